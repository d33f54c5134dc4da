"""YAML mistakes an office clerk makes, said in plain words at the right line, with the fix.

Two kinds: lines YAML reads as something else than meant, found by looking at the raw lines (`lines`), and
YAML syntax errors whose jargon (`expected <block end>, but found '<scalar>'`) hides a simple cause, re-said from
the line they point at (`syntax`). Each message shows the corrected line where one can be given.
"""

from __future__ import annotations

import re
import unicodedata

import yaml

from . import model

ODD_SPACES = {"\u3000": "an ideographic space (U+3000)", "\u00a0": "a no-break space (U+00A0)"}
FULLWIDTH_COLON = re.compile(r"^(?P<lead>[ ]*(?:-[ ]+)?)(?P<key>[A-Za-z_]+)[ \t]*：")
FULLWIDTH_KEY = re.compile(r"^(?P<lead>[ ]*(?:-[ ]+)?)(?P<key>[Ａ-Ｚａ-ｚ＿]+)[ \t]*[:：]")
ODD_SPACE_AFTER_COLON = re.compile(r"^(?P<lead>[ ]*(?:-[ ]+)?[A-Za-z_]+:)(?P<space>[\u3000\u00a0])")
ODD_INDENT = re.compile(r"^(?P<lead>[ ]*)(?P<space>[\u3000\u00a0])")
# What a text may not start with unquoted: YAML reads these as its own syntax
SPECIAL_START = {"[": "a list", "{": "a mapping", "*": "an alias", "&": "an anchor", "!": "a tag", "|": "a block",
                 ">": "a block", "@": "a reserved character", "`": "a reserved character", "%": "a directive"}
VALUE = re.compile(r"^(?P<lead>[ ]*(?:-[ ]+|[A-Za-z_]+:[ ]+|-[ ]+[A-Za-z_]+:[ ]+))(?P<text>.*)$")
SHOWN = 40  # characters of a line shown in a message


def lines(text: str) -> list[tuple[int, int, str]]:
    """(line, column, message) for lines that YAML would read as something else than meant: a key of the
    source format (only those: `- dataset：因子` is a text) with a full-width colon, in full-width letters, or
    with an odd space after its colon; a line indented with an odd space."""
    keys = model.KEYS
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if (m := FULLWIDTH_COLON.match(line)) and m["key"] in keys:
            found.append((number, m.end(), f"the key '{m['key']}' is followed by a full-width colon '：'; YAML needs "
                                           f"a half-width colon and a space: {_fixed(line, m.end() - 1, ': ')}"))
        elif (m := FULLWIDTH_KEY.match(line)) and (key := unicodedata.normalize("NFKC", m["key"])) in keys:
            found.append((number, len(m["lead"]) + 1, f"the key '{m['key']}' is written in full-width letters; "
                                                      f"write '{key}'"))
        elif (m := ODD_SPACE_AFTER_COLON.match(line)) and m["lead"].strip(" -:") in keys:
            found.append((number, m.end(), f"after '{m['lead'].strip(' -')}' comes {ODD_SPACES[m['space']]}; YAML "
                                           "needs an ordinary space after a key's colon"))
        elif m := ODD_INDENT.match(line):
            found.append((number, m.end(), f"the line is indented with {ODD_SPACES[m['space']]}; indent with "
                                           "ordinary spaces"))
    return found


def syntax(mark: yaml.Mark | None, context: str | None, text: str) -> str | None:
    """A plain-words message for a YAML error at `mark` whose cause is a known mistake, else None."""
    if context and "expected a single document" in context:
        return ("the file holds more than one YAML document (a line '---' separates them); a source is one "
                "article: remove the '---', or put the second article in a file of its own")
    if context == "while scanning a simple key":
        return ("this line is not 'key: text': YAML found no ':' after what it read as a key (a key holds at most "
                "1,024 characters); a text that goes on over several lines must be indented under its key")
    if mark is None:
        return None
    line = text.splitlines()[mark.line] if mark.line < len(text.splitlines()) else ""
    m = VALUE.match(line)
    if m is None or not m["text"]:
        return None
    value = m["text"]
    if value[0] in SPECIAL_START:
        quoted = _quoted(value)
        hint = " (**emphasis** at the start of a text needs the quotes too)" if value[0] == "*" else ""
        return (f"a text starting with '{value[0]}' must be quoted: YAML reads '{value[0]}' as "
                f"{SPECIAL_START[value[0]]}; write {_shown(m['lead'] + quoted)}{hint}")
    if value[0] in "\"'" and (end := value.find(value[0], 1)) > 0 and value[end + 1:].strip():
        return (f"the text starts with a quotation mark, so YAML takes {_shown(value[:end + 1])} for the whole "
                f"text and refuses what follows; quote the whole text, {_shown(m['lead'] + _quoted(value))}, or "
                "use the Chinese quotes “ ”")
    if "\t" in value:
        return f"a tab inside the text of line {mark.line + 1}; replace it with a space"
    return None


def _quoted(value: str) -> str:
    """The value in single quotes, YAML's way (a quote inside is doubled)."""
    return "'" + value.replace("'", "''") + "'"


def _fixed(line: str, at: int, replacement: str) -> str:
    return _shown(line[:at].rstrip() + replacement + line[at + 1:].lstrip())


def _shown(text: str) -> str:
    text = text.strip()
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"
