"""Writing what `import_find` found as a source a clerk can read: the keys in the documented order, each text on one
line (plain where YAML reads it back as the same text, else double-quoted), every guess as a comment above what it
concerns, and a header saying where the source came from and what was left out."""

from __future__ import annotations

import re

import yaml
from yaml.nodes import MappingNode, ScalarNode

from .import_find import Author, Draft, Entry, Found, Section
from .import_read import Input

SHOWN_CHARS = 30  # of a dropped line, in the header's list
STR_TAG = "tag:yaml.org,2002:str"
NON_PRINTABLE = re.compile(r"[^\t\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]")


def render(draft: Draft, origin: str, source: Input) -> str:
    """The source's text."""
    lines = [f"# Imported by `studyprint import` from {origin} ({source.kind}).",
             "# Check each '# guessed:' comment against the original, then delete the comment."]
    _comment(lines, source.guess, "")
    lines += [f"# Left out: {group}" for group in dropped_groups(draft.dropped, source.unit)]
    _field(lines, "title", draft.title)
    if draft.subtitle:
        _field(lines, "subtitle", draft.subtitle)
    lines.append("authors:")
    for author in draft.authors:
        _author(lines, author)
    if draft.date:
        _comment(lines, draft.date.guess, "")
        lines.append(f"date: {draft.date.value}")
    lines.append("lang: zh-CN")
    if draft.keywords:
        _field(lines, "keywords", draft.keywords)
    if draft.intro:
        lines.append("intro:")
        _entries(lines, draft.intro, "  ")
    lines.append("sections:")
    _comment(lines, draft.sections_guess, "  ")
    for section in draft.sections:
        _section(lines, section)
    if draft.editor:
        _field(lines, "editor", draft.editor)
    return "\n".join(lines) + "\n"


def dropped_groups(dropped: list[tuple[int, str, str]], unit: str) -> list[str]:
    """What was left out, one line each; a run of more than three for the same reason as one line."""
    groups: list[list[tuple[int, str, str]]] = []
    for item in dropped:
        if groups and groups[-1][-1][2] == item[2]:
            groups[-1].append(item)
        else:
            groups.append([item])
    out = []
    for group in groups:
        if len(group) > 3:
            first, last = group[0][0], group[-1][0]
            where = f"{unit} {first}" if first == last else f"{unit}s {first}-{last}"
            out.append(f"{where} ({len(group)} pieces): {group[0][2]}")
        else:
            out += [f"{unit} {n} {_shown(text)} ({why})" for n, text, why in group]
    return out


def scalar(text: str) -> str:
    """A text as a YAML scalar on one line: plain if YAML reads that back as the same text, else double-quoted."""
    return text if _plain_reads_back(text) else _double_quoted(text)


def _plain_reads_back(text: str) -> bool:
    if not text or "\n" in text:
        return False
    try:
        root = yaml.compose(f"k: {text}\n", Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return False
    if not isinstance(root, MappingNode) or len(root.value) != 1:
        return False
    value = root.value[0][1]
    return isinstance(value, ScalarNode) and value.tag == STR_TAG and value.value == text


def _double_quoted(text: str) -> str:
    """Escaped as YAML needs: backslash and quote, and every character it does not allow in a file."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + NON_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", escaped) + '"'


def _shown(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def _comment(lines: list[str], guess: str | None, indent: str) -> None:
    if guess:
        lines.append(f"{indent}# {guess}")


def _field(lines: list[str], key: str, found: Found, indent: str = "") -> None:
    _comment(lines, found.guess, indent)
    lines.append(f"{indent}{key}: {scalar(found.value)}")


def _author(lines: list[str], author: Author) -> None:
    _comment(lines, author.name.guess, "  ")
    lines.append(f"  - name: {scalar(author.name.value)}")
    if author.affiliation:
        _field(lines, "affiliation", author.affiliation, "    ")
    if author.address:
        lines.append(f"    address: {scalar(author.address)}")


def _section(lines: list[str], section: Section) -> None:
    _comment(lines, section.heading.guess, "  ")
    lines.append(f"  - heading: {scalar(section.heading.value)}")
    if section.subheading:
        lines.append(f"    subheading: {scalar(section.subheading)}")
    lines.append("    paragraphs:")
    _entries(lines, section.entries, "      ")


def _entries(lines: list[str], entries: list[Entry], indent: str) -> None:
    for entry in entries:
        _comment(lines, entry.guess, indent)
        if entry.kind == "paragraph":
            lines.append(f"{indent}- {scalar(entry.texts[0])}")
        elif entry.kind in ("list", "numbered"):
            lines.append(f"{indent}- {entry.kind}:")
            lines += [f"{indent}    - {scalar(text)}" for text in entry.texts]
        else:
            lines.append(f"{indent}- {entry.kind}: {scalar(entry.texts[0])}")
