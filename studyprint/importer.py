"""`studyprint import FILE [-o OUT.yaml] [--force]`: from what the clerk has -- text copied from a web page, a Word
document, a saved web page -- to a source: read the input into blocks (`import_read`), find the article's parts
(`import_find`), write them as YAML (`import_write`), never over an existing file unless told to, and say what was
found where, what was guessed and what was left out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import import_find, import_read, import_write, lint
from .errors import Problem, UserError, fail, shown_path
from .files import write_atomically, write_new
from .load import MAX_SOURCE_BYTES

DESCRIPTION = """\
Turn an article into a source: FILE is text copied from a web page (.txt, UTF-8 or
GB18030), a Word document (.docx) or a saved web page (.html). The title, authors,
date, intro, sections and editor are found, navigation and page words dropped,
punctuation fixed; every guess is marked '# guessed:' in the source for you to check."""

EPILOG = """\
exit status: 0 imported, 1 bad input or the source exists (one line: path: message),
2 wrong usage.
example:
  studyprint import ~/Downloads/article.docx -o source/article.yaml
  python build.py source/article.yaml --check"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The import's arguments, for this parser or the CLI's subcommand."""
    p.add_argument("file", type=Path, metavar="FILE", help="the article: .txt, .docx or .html")
    p.add_argument("-o", "--output", type=Path, metavar="OUT.yaml",
                   help="the source to write (default: source/NAME.yaml, NAME from FILE); a folder: NAME.yaml in it")
    p.add_argument("--force", action="store_true", help="replace OUT.yaml if it exists")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="studyprint import", description=DESCRIPTION, epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(p)
    return p


def main(argv: list[str], sources: Path = Path("source")) -> int:
    """The import command; `sources` is the folder a source goes to when no -o is given."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as e:  # argparse: --help (0) or a usage error (2)
        return int(e.code or 0)
    out = output_path(args.file, args.output, sources)
    try:
        report = import_file(args.file, out, force=args.force)
    except UserError as e:
        for problem in e.problems:
            print(problem, file=sys.stderr)
        return 1
    print("\n".join(report))
    return 0


def output_path(file: Path, output: Path | None, sources: Path) -> Path:
    """Where the source goes: -o, inside -o if it is a folder, else NAME.yaml in the sources folder, where the build
    finds it."""
    name = file.stem + ".yaml"
    if output is None:
        return sources / name
    return output / name if output.is_dir() else output


def import_file(path: Path, out: Path, force: bool = False) -> list[str]:
    """Import path into the source out; returns the summary's lines. Nothing is written if anything is wrong."""
    shown, shown_out = shown_path(path), shown_path(out)
    if not force and (out.exists() or out.is_symlink()):
        raise fail(shown_out, "already exists; give --force to replace it, or -o to name another file")
    source = import_read.read(path, shown)
    draft = import_find.find(source)
    if not any(section.entries for section in draft.sections):
        raise fail(shown, "no article text found: a title, but no paragraphs under it")
    text = import_write.render(draft, path.name, source)
    data = text.encode("utf-8")
    if len(data) > MAX_SOURCE_BYTES:
        raise fail(shown, f"the source would be {len(data):,} bytes; a source may be at most {MAX_SOURCE_BYTES:,} "
                          "(split the article)")
    out.parent.mkdir(parents=True, exist_ok=True)
    (write_atomically if force else write_new)(out, data)
    left = lint.problems(text, shown_out, [f for f in lint.findings(text, shown_out) if f.replacement is None])
    return summary(draft, source, shown, shown_out, text, left)


def summary(draft: import_find.Draft, source: import_read.Input, shown: str, shown_out: str, text: str,
            left: list[Problem]) -> list[str]:
    """What was found, where in the input, and what is left for the clerk."""
    unit = source.unit
    lines = [f"{shown} ({source.kind}) -> {shown_out}"]
    if source.guess:
        lines.append(f"  {source.guess}")

    def row(what: str, number: int | str, value: str, guess: str | None = None) -> None:
        where = f"{unit}s {number}" if "-" in str(number) else f"{unit} {number}"
        lines.append(f"  {what:<11}{where:<16}{value}{' (guessed)' if guess else ''}")

    row("title", draft.title.number, draft.title.value, draft.title.guess)
    if draft.subtitle:
        row("subtitle", draft.subtitle.number, draft.subtitle.value, draft.subtitle.guess)
    for author in draft.authors:
        parts = [author.name.value] + [p for p in (author.affiliation and author.affiliation.value,
                                                   author.address) if p]
        row("author", author.name.number, ", ".join(parts), author.name.guess)
    if draft.date:
        row("date", draft.date.number, draft.date.value, draft.date.guess)
    if draft.keywords:
        row("keywords", draft.keywords.number, draft.keywords.value)
    if draft.intro:
        row("intro", _numbers(draft.intro), _count(draft.intro))
    for k, section in enumerate(draft.sections, 1):
        heading = section.heading.value + (f" / {section.subheading}" if section.subheading else "")
        row(f"section {k}", section.heading.number, f"{heading}: {_count(section.entries)}",
            section.heading.guess or draft.sections_guess)
    if draft.editor:
        row("editor", draft.editor.number, draft.editor.value)
    lines += [f"  {'left out':<11}{group}" for group in import_write.dropped_groups(draft.dropped, unit)]
    lines += [f"  {'left out':<11}{unit} {number} {what}" for number, what in source.left_out]
    guesses = text.count("# guessed:")
    lines.append(f"{guesses} guess(es) marked '# guessed:' in {shown_out}: check them against {shown}.")
    if left:
        lines.append("Left for you (the lint cannot fix these):")
        lines += [f"  {problem}" for problem in left]
    lines.append(f"Then: python build.py {shown_out} --check")
    return lines


def _numbers(entries: list[import_find.Entry]) -> str:
    first, last = entries[0].number, entries[-1].number
    return str(first) if first == last else f"{first}-{last}"


def _count(entries: list[import_find.Entry]) -> str:
    kinds: dict[str, int] = {}
    for entry in entries:
        kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
    return ", ".join(f"{n} {kind}{'s' if n > 1 else ''}" for kind, n in kinds.items())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
