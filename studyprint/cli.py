"""The command line: `studyprint [COMMAND] ...` and `python build.py ...`, a thin layer over the pipeline.

main(argv) returns the exit status. Commands: build (the default), check, lint, new, import, watch. Only what a
command needs is imported, so that lint, check, new, --help and --version never load WeasyPrint.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import ROOT, __version__, choices
from .errors import Problem, UserError, shown_path

if TYPE_CHECKING:
    from . import pipeline


@dataclass(frozen=True)
class Front:
    """How the command presents itself: the installed `studyprint`, or `python build.py` in a checkout, which keeps
    what it always did (its name in messages, the checkout's source/ and dist/, output lines without times)."""

    prog: str
    home: Path  # where source/, dist/ and the cache are unless given: relative paths are the working directory's
    times: bool  # each output's line ends with the time it took (or "cached")


STUDYPRINT = Front("studyprint", Path(), times=True)
BUILD_PY = Front("build.py", ROOT, times=False)
COMMANDS = ("build", "check", "lint", "new", "import", "watch")

DESCRIPTION = """\
Build print-ready PDFs from article sources (YAML): for each NAME.yaml a typeset
handout DIR/NAME-handout.pdf and a one-page poster DIR/NAME-poster.pdf.
With no SOURCE, builds every source/*.yaml into dist/."""

EPILOG = """\
exit status: 0 built (or checked), 1 bad input (each problem printed as
path:line:column: message), 2 wrong usage.
examples:
  {prog} source/a.yaml --out out --only poster
  {prog} --check  (--lint, --fix)  validate; punctuation problems
  {prog} watch source/a.yaml   rebuild on every save (see README)"""


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=22)


def _sources_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("sources", nargs="*", type=Path, metavar="SOURCE",
                   help="article YAML files (default: source/*.yaml)")


def _output_options(p: argparse.ArgumentParser) -> None:
    """What to build and how: the options of build and watch."""
    p.add_argument("--out", type=_folder, default=None, metavar="DIR", help="output folder (default: dist/)")
    p.add_argument("--only", choices=choices.KINDS, metavar="KIND", help="build only the handout or only the poster")
    p.add_argument("--paper", choices=choices.PAPERS, help="the handout's paper (A4; A5 with --booklet)")
    p.add_argument("--booklet", action="store_true", help="also NAME-booklet.pdf: A5 handout 2-up on A4")
    p.add_argument("--pdf-variant", choices=choices.VARIANTS, default="pdf/ua-1", metavar="V",
                   help="pdf/ua-1 (default) or pdf/a-3b (archival)")
    p.add_argument("--poster-size", choices=list(choices.POSTER_SIZES), default="A3", metavar="SIZE",
                   help="the poster's paper: A3 (default), A2, A1, A0")
    p.add_argument("--orientation", choices=("portrait", "landscape"), default="portrait", metavar="O",
                   help="the poster's: portrait (default) or landscape")
    p.add_argument("--theme", choices=choices.themes(), default="red", help="the poster's colours (red)")
    p.add_argument("--bleed", type=bleed_mm, default=0.0, metavar="MM",
                   help="poster bleed with crop marks, e.g. 3mm (0-10mm)")
    p.add_argument("-v", "--verbose", action="store_true", help="report the poster's fitted scale")
    p.add_argument("--no-strict", dest="strict", action="store_false",
                   help="report problems as warnings, not failing the build")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    p.add_argument("--html", action="store_true", help="also write the print HTML beside each PDF")
    p.add_argument("--preview", action="store_true", help="also write a PNG of every page beside each PDF")
    p.add_argument("--no-cache", dest="cache", action="store_false",
                   help="render all again (default: reuse .studyprint-cache/)")


def build_parser(front: Front) -> argparse.ArgumentParser:
    command = f"python {front.prog}" if front.prog.endswith(".py") else front.prog
    p = argparse.ArgumentParser(prog=front.prog, description=DESCRIPTION, epilog=EPILOG.format(prog=command),
                                formatter_class=_formatter,
                                usage=f"{front.prog} [build] [SOURCE ...] [options]\n"
                                      f"       {front.prog} check|lint|new|import|watch ... (each has --help)")
    _sources_argument(p)
    p.add_argument("--version", action="version", version=f"studyprint {__version__}",
                   help="print the version and exit")
    _output_options(p)
    p.add_argument("--check", action="store_true", help="validate the sources and write nothing")
    p.add_argument("--lint", action="store_true", help="report Chinese punctuation problems, build nothing")
    p.add_argument("--fix", action="store_true", help="correct those problems in the sources, in place")
    p.add_argument("--report", action="store_true", help="print each handout's typesetting scores (clreq)")
    p.add_argument("--jobs", type=_positive, default=1, metavar="N", help="render in N processes at once")
    p.add_argument("--shard", type=shard_spec, metavar="I/N", help="build only the I-th of N slices of the sources")
    return p


def bleed_mm(value: str) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(mm)?", value.strip())
    if not match or float(match.group(1)) > 10:
        raise argparse.ArgumentTypeError(f"'{value}' is not a bleed like 3mm (0 to 10 mm)")
    return float(match.group(1))


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number of processes (1 or more)")
    return int(value)


def shard_spec(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)/(\d+)", value.strip())
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise argparse.ArgumentTypeError(f"'{value}' is not a shard like 2/4 (the 2nd of 4 slices)")
    return int(match.group(1)), int(match.group(2))


def _escape_what_the_terminal_cannot_show() -> None:
    """A file name the output's encoding cannot write (Chinese under PYTHONIOENCODING=ascii, an emoji on a GBK
    console) is printed as \\u5b66, as Python's stderr already does, not a traceback after the PDFs are written."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _folder(value: str) -> Path:
    if not value.strip():  # `--out "$DIST"` with DIST unset would write into the working directory
        raise argparse.ArgumentTypeError("is empty; give a folder, or leave --out out for dist/")
    return Path(value)


def main(argv: list[str] | None = None, front: Front = STUDYPRINT) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    _escape_what_the_terminal_cannot_show()
    command = argv[0] if argv and argv[0] in COMMANDS else "build"
    if argv and argv[0] == command:
        argv = argv[1:]
    try:
        with _stopped_by_signals():
            return HANDLERS[command](argv, front)
    except Stopped as e:
        print(f"{front.prog}: stopped by {signal.Signals(e.signum).name}; the earlier PDFs are unchanged",
              file=sys.stderr)
        return 128 + e.signum
    except SystemExit as e:  # argparse: --help, --version (0) or a usage error (2)
        return int(e.code or 0)
    except UserError as e:
        for problem in e.problems:
            print(problem, file=sys.stderr)
        return 1
    except OSError as e:  # one the pipeline did not foresee: still a message, not a traceback
        print(f"{e.filename or front.prog}: {e.strerror or e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{front.prog}: interrupted", file=sys.stderr)
        return 130


class Stopped(BaseException):
    """SIGTERM or SIGHUP (a CI job cancelled, a terminal closed), raised where the build is, so that it unwinds as
    from Ctrl-C: temp files removed, WeasyPrint's copies of the fonts in the temp folder too, earlier PDFs intact.
    A BaseException, as KeyboardInterrupt is: no `except Exception` in a library swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """While the command runs, the stop signals raise Stopped (only the main thread can take signals: elsewhere,
    as in a test's thread, they keep their handlers)."""
    def stop(signum: int, _frame: object) -> None:
        raise Stopped(signum)

    try:
        earlier = {sig: signal.signal(sig, stop) for sig in STOP_SIGNALS}
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        for sig, handler in earlier.items():
            signal.signal(sig, handler)


def run() -> None:
    """The `studyprint` console script and `python -m studyprint`."""
    try:
        sys.exit(main())
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


def _default_sources(front: Front) -> list[Path]:
    """The sources of source/, after a warning for each file there that looks meant as one but is not read."""
    from . import load

    folder = _home_folder(front, "source")
    for path in load.misnamed_in(folder):
        print(f"{shown_path(path)}: warning: not read: a source's name ends in .yaml (Windows may hide the .txt: "
              f"rename it to {path.name[:-4]})", file=sys.stderr)
    return load.sources_in(folder)


def _home_folder(front: Front, name: str) -> Path:
    """source/ or dist/ of the working directory (the checkout for build.py). A symbolic link leading out of it is
    refused, as a source file linking out of its folder is: a pull request adding `source -> ~/.ssh` must not make
    CI read (and echo) files from elsewhere, nor `dist -> ~` write there. Given on the command line (SOURCE files,
    --out), any folder is the user's choice."""
    folder = front.home / name
    if folder.is_symlink():
        target = folder.resolve()
        if not target.is_relative_to(front.home.resolve()):
            raise UserError([Problem(shown_path(folder), None, None,
                                     f"is a symbolic link to {target}, outside {front.home.resolve()}; "
                                     f"give that folder on the command line if you mean it")])
    return folder


def _no_sources(front: Front) -> int:
    print(f"{front.prog}: no sources: give SOURCE files or put them in source/ (NAME.yaml)", file=sys.stderr)
    return 2


def _options(args: argparse.Namespace, front: Front, jobs: int = 1) -> pipeline.Options:
    from . import pipeline

    cache = os.environ.get("STUDYPRINT_CACHE") or front.home / ".studyprint-cache"
    return pipeline.Options(
        out=args.out or _home_folder(front, "dist"),
        kinds=(args.only,) if args.only else choices.KINDS,
        paper=args.paper or ("A5" if args.booklet else "A4"),
        poster_size=args.poster_size,
        orientation=args.orientation,
        bleed_mm=args.bleed,
        theme=args.theme,
        pdf_variant=args.pdf_variant,
        booklet=args.booklet,
        strict=args.strict,
        verbose=args.verbose and not args.quiet,
        html=args.html,
        preview=args.preview,
        cache=Path(cache) if args.cache else None,
        jobs=jobs,
    )


def _booklet_paper(args: argparse.Namespace, front: Front) -> bool:
    if args.booklet and args.paper == "A4":
        print(f"{front.prog}: --booklet imposes the A5 handout: give --paper A5 or leave --paper out", file=sys.stderr)
        return False
    return True


def _build(argv: list[str], front: Front) -> int:
    args = build_parser(front).parse_args(argv)
    if not _booklet_paper(args, front):
        return 2
    sources = args.sources or _default_sources(front)
    if not sources:
        return _no_sources(front)
    if args.lint or args.fix:
        return _lint(sources, fix=args.fix, quiet=args.quiet)
    if args.check:
        return _check(sources, args.quiet)
    from . import batch, pipeline

    if args.shard:
        pipeline.check_output_names(sources, args.preview)  # over all the shards: each alone could not see a clash
        index, count = args.shard
        sources = batch.shard(sources, index, count)
        if not sources:
            if not args.quiet:
                print(f"{front.prog}: shard {index}/{count} has no sources")
            return 0
    options = _options(args, front, jobs=args.jobs)
    outputs = pipeline.build(sources, options, progress=sys.stderr.isatty() and not args.quiet)
    for output in outputs:
        for warning in output.warnings:
            print(f"{shown_path(output.path)}: warning: {warning}", file=sys.stderr)
        if not args.quiet:
            took = "" if not front.times else "  cached" if output.seconds is None else f"  {output.seconds:.2f} s"
            print(f"{shown_path(output.path)}  {output.pages} page(s){took}")
    if args.report:
        return _report(outputs, front)
    return 0


def _check(sources: list[Path], quiet: bool) -> int:
    from . import pipeline

    pipeline.check_output_names(sources)
    pipeline.read_sources(sources)
    if not quiet:
        print(f"{len(sources)} source(s) OK")
    return 0


def _check_command(argv: list[str], front: Front) -> int:
    p = argparse.ArgumentParser(prog=f"{front.prog} check", description="Validate the sources; write nothing.")
    _sources_argument(p)
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    args = p.parse_args(argv)
    sources = args.sources or _default_sources(front)
    return _check(sources, args.quiet) if sources else _no_sources(front)


def _lint_command(argv: list[str], front: Front) -> int:
    p = argparse.ArgumentParser(prog=f"{front.prog} lint",
                                description="Report Chinese punctuation problems in the sources (see README).")
    _sources_argument(p)
    p.add_argument("--fix", action="store_true", help="correct those problems in the sources, in place")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    args = p.parse_args(argv)
    sources = args.sources or _default_sources(front)
    return _lint(sources, args.fix, args.quiet) if sources else _no_sources(front)


def _lint(sources: list[Path], fix: bool, quiet: bool) -> int:
    """--lint / --fix: problems as path:line:column: message; exit 1 while any is left."""
    from . import lint

    left = []
    for source in sources:  # every source is checked, whatever an earlier one gave
        shown = shown_path(source)
        try:
            if fix:
                fixed, problems = lint.fix(source, shown)
                if fixed and not quiet:
                    print(f"{shown}: fixed {fixed} problem(s)")
            else:
                problems = lint.lint(source, shown)
        except UserError as e:
            problems = e.problems
        left.extend(problems)
    for problem in left:
        print(problem, file=sys.stderr)
    if not left and not quiet:
        print(f"{len(sources)} source(s): no punctuation problems")
    return 1 if left else 0


def _new_command(argv: list[str], front: Front) -> int:
    from . import starter

    p = argparse.ArgumentParser(prog=f"{front.prog} new",
                                description="Write a commented starter source, source/NAME.yaml, that builds.")
    p.add_argument("name", metavar="NAME", help="the article's file name (or a path ending in .yaml)")
    path = starter.path_for(p.parse_args(argv).name, _home_folder(front, "source"))
    starter.create(path)
    print(f"{shown_path(path)}: created; edit it, then: {front.prog} watch {shown_path(path)}")
    return 0


def _import_command(argv: list[str], front: Front) -> int:
    from . import importer

    return importer.main(argv, _home_folder(front, "source"))


def _watch_command(argv: list[str], front: Front) -> int:
    from . import watch

    p = argparse.ArgumentParser(prog=f"{front.prog} watch", formatter_class=_formatter,
                                description="Build, then rebuild whenever a source, a layout or a font is saved "
                                            "(Ctrl-C stops). One line per rebuild; on an error the last good PDFs "
                                            "stay.")
    _sources_argument(p)
    _output_options(p)
    args = p.parse_args(argv)
    if not _booklet_paper(args, front):
        return 2
    sources = watch.Sources(args.sources) if args.sources else watch.Sources([], _home_folder(front, "source"))
    if not sources.now():
        return _no_sources(front)
    return watch.run(sources, _options(args, front), args.quiet)


def _report(outputs: list[pipeline.Output], front: Front) -> int:
    """--report: the clreq figures of each handout, measured from its PDF's glyph positions."""
    from . import measure

    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        print(f"{front.prog}: --report needs pypdfium2 (pip install pypdfium2)", file=sys.stderr)
        return 1
    for output in outputs:
        if output.path.name.endswith("-handout.pdf"):
            figures = measure.score(measure.pdf_glyphs(output.data))
            print(f"{shown_path(output.path)}: {measure.report_line(figures)}")
    return 0


HANDLERS = {"build": _build, "check": _check_command, "lint": _lint_command, "new": _new_command,
            "import": _import_command, "watch": _watch_command}
