"""The command line: a thin layer over pipeline.build(); main(argv) returns the exit status."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from . import ROOT, html, lint, measure, pdfpost, pipeline, poster
from .errors import UserError, shown_path

DESCRIPTION = """\
Build print-ready PDFs from article sources (YAML): for each NAME.yaml a typeset
handout DIR/NAME-handout.pdf and a one-page poster DIR/NAME-poster.pdf.
With no SOURCE, builds every source/*.yaml into dist/."""

EPILOG = """\
exit status: 0 built (or checked), 1 bad input (each problem printed as
path:line:column: message), 2 wrong usage.
examples:
  python build.py                                  every source/*.yaml -> dist/
  python build.py source/a.yaml --out out --only poster
  python build.py --check                          validate, write nothing
  python build.py --lint  (--fix: correct in place) Chinese punctuation problems"""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py", description=DESCRIPTION, epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("sources", nargs="*", type=Path, metavar="SOURCE",
                   help="article YAML files (default: source/*.yaml)")
    p.add_argument("--out", type=Path, default=None, metavar="DIR", help="output folder (default: dist/)")
    p.add_argument("--only", choices=pipeline.KINDS, help="build only the handout or only the poster")
    p.add_argument("--check", action="store_true", help="validate the sources and write nothing")
    p.add_argument("--paper", choices=sorted(html.PAPERS), help="the handout's paper (A4; A5 with --booklet)")
    p.add_argument("--booklet", action="store_true", help="also NAME-booklet.pdf: A5 handout 2-up on A4")
    p.add_argument("--pdf-variant", choices=pdfpost.VARIANTS, default="pdf/ua-1", metavar="V",
                   help="pdf/ua-1 (default) or pdf/a-3b (archival)")
    p.add_argument("--poster-size", choices=list(poster.POSTER_SIZES), default="A3", help="the poster's paper (A3)")
    p.add_argument("--orientation", choices=("portrait", "landscape"), default="portrait",
                   help="the poster's orientation")
    p.add_argument("--theme", choices=poster.themes(), default="red", help="the poster's colours (red)")
    p.add_argument("--bleed", type=bleed_mm, default=0.0, metavar="MM",
                   help="poster bleed with crop marks, e.g. 3mm (0-10mm)")
    p.add_argument("-v", "--verbose", action="store_true", help="report the poster's fitted scale")
    p.add_argument("--no-strict", dest="strict", action="store_false",
                   help="report problems as warnings instead of failing the build")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    p.add_argument("--lint", action="store_true",
                   help="report Chinese punctuation problems, build nothing")
    p.add_argument("--fix", action="store_true",
                   help="correct those problems in the sources, in place")
    p.add_argument("--report", action="store_true",
                   help="print each handout's typesetting scores (clreq)")
    return p


def bleed_mm(value: str) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(mm)?", value.strip())
    if not match or float(match.group(1)) > 10:
        raise argparse.ArgumentTypeError(f"'{value}' is not a bleed like 3mm (0 to 10 mm)")
    return float(match.group(1))


def default_sources() -> list[Path]:
    return sorted((ROOT / "source").glob("*.yaml"))


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as e:  # argparse: --help (0) or a usage error (2)
        return int(e.code or 0)
    if args.booklet and args.paper == "A4":
        print("build.py: --booklet imposes the A5 handout: give --paper A5 or leave --paper out", file=sys.stderr)
        return 2
    sources = args.sources or default_sources()
    if not sources:
        print("build.py: no sources: give SOURCE files or put them in source/*.yaml", file=sys.stderr)
        return 2
    options = pipeline.Options(
        out=args.out or ROOT / "dist",
        kinds=(args.only,) if args.only else pipeline.KINDS,
        paper=args.paper or ("A5" if args.booklet else "A4"),
        poster_size=args.poster_size,
        orientation=args.orientation,
        bleed_mm=args.bleed,
        theme=args.theme,
        pdf_variant=args.pdf_variant,
        booklet=args.booklet,
        strict=args.strict,
        verbose=args.verbose and not args.quiet,
    )
    if args.lint or args.fix:
        return _lint(sources, fix=args.fix, quiet=args.quiet)
    try:
        if args.check:
            pipeline.check_collisions(sources)
            pipeline.read_sources(sources)
            if not args.quiet:
                print(f"{len(sources)} source(s) OK")
            return 0
        outputs = pipeline.build(sources, options)
    except UserError as e:
        for problem in e.problems:
            print(problem, file=sys.stderr)
        return 1
    except OSError as e:  # one the pipeline did not foresee: still a message, not a traceback
        print(f"{e.filename or 'build.py'}: {e.strerror or e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("build.py: interrupted", file=sys.stderr)
        return 130
    for output in outputs:
        for warning in output.warnings:
            print(f"{shown_path(output.path)}: warning: {warning}", file=sys.stderr)
        if not args.quiet:
            print(f"{shown_path(output.path)}  {output.pages} page(s)")
    if args.report:
        return _report(outputs)
    return 0


def _lint(sources: list[Path], fix: bool, quiet: bool) -> int:
    """--lint / --fix: problems as path:line:column: message; exit 1 while any is left."""
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


def _report(outputs: list[pipeline.Output]) -> int:
    """--report: the clreq figures of each handout, measured from its PDF's glyph positions."""
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        print("build.py: --report needs pypdfium2 (pip install pypdfium2)", file=sys.stderr)
        return 1
    for output in outputs:
        if output.path.name.endswith("-handout.pdf"):
            figures = measure.score(measure.pdf_glyphs(output.data))
            print(f"{shown_path(output.path)}: {measure.report_line(figures)}")
    return 0
