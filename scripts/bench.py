#!/usr/bin/env python3
"""Time builds, as medians of several runs and as ratios to a baseline measured in the same run, because these
machines are noisy. Each build is a fresh Python process; the runs of all cases are interleaved, so that a slow
moment of the machine hits every case.

  baseline      python -c "import weasyprint"            (the interpreter and library start-up)
  build         python build.py SOURCE --out TMP -q       (both PDFs, from nothing)
  handout       ... --only handout
  poster        ... --only poster
  before-*      the same with build.py of an earlier commit (--before REV, checked out in a temp worktree):
                e.g. the two layouts per handout before the composer
  compose-100   the composer alone (CPU seconds, in this process) on the body text of a 100-page A4 handout
                made of the paragraphs of tests/articles/ and source/
  no-hb-subset  the build with WeasyPrint's HarfBuzz subsetter switched off (its fontTools fallback),
                which is what a machine without libharfbuzz-subset0 gets (--fallback; slow)

usage: python scripts/bench.py [--runs 5] [--before REV] [--fallback] [SOURCE]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BUILD = ROOT / "build.py"
NO_HB_SUBSET = (
    "import sys, weasyprint.pdf.fonts as f; f.harfbuzz_subset = None; "
    "from studyprint.cli import main; sys.exit(main(sys.argv[1:]))"
)
# characters of body text per A4 page with these paragraphs (short ones among them): 141,020 in 137 pages, measured
# by building them (python build.py on a source of them)
PAGE_CHARS = 1030


def timed(argv: list[str], cwd: Path = ROOT) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, cwd=cwd, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def paragraphs(pages: int) -> list[str]:
    """Real paragraphs (the test articles and the sources), repeated to fill about `pages` A4 pages."""
    found = []
    for path in sorted([*ROOT.glob("tests/articles/*.yaml"), *ROOT.glob("source/*.yaml")]):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found += [*data.get("intro", []), *(p for s in data["sections"] for p in s["paragraphs"])]
    out: list[str] = []
    total = 0
    while total < pages * PAGE_CHARS:
        out.append(found[len(out) % len(found)])
        total += len(out[-1])
    return out


def compose_seconds(texts: list[str]) -> float:
    """CPU seconds the composer takes for the texts, cold (its caches cleared)."""
    from studyprint import compose, html

    for cached in (compose.shaping.advance, compose._cjk_atom, compose._profile, compose._between):
        cached.cache_clear()
    paper = html.PAPERS["A4"]
    start = time.process_time()
    for text in texts:
        compose.compose([compose.Run(text)], paper.measure, paper.indent)
    return time.process_time() - start


def worktree(rev: str, into: str) -> Path:
    path = Path(into) / "before"
    subprocess.run(["git", "worktree", "add", "--detach", "-q", str(path), rev], check=True, cwd=ROOT)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", nargs="?", default=str(ROOT / "source" / "six-principles.yaml"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", metavar="REV", help="also time build.py of this commit")
    parser.add_argument("--fallback", action="store_true", help="also time the fontTools subsetting fallback")
    args = parser.parse_args()
    source = str(Path(args.source).resolve())
    with tempfile.TemporaryDirectory() as tmp:
        build = [sys.executable, str(BUILD), source, "--out", tmp, "-q"]
        cases: dict[str, tuple[list[str], Path]] = {
            "baseline": ([sys.executable, "-c", "import weasyprint"], ROOT),
            "build": (build, ROOT),
            "handout": ([*build, "--only", "handout"], ROOT),
            "poster": ([*build, "--only", "poster"], ROOT),
        }
        if args.before:
            old = worktree(args.before, tmp)
            old_build = [sys.executable, str(old / "build.py"), source, "--out", tmp, "-q"]
            cases["before-build"] = (old_build, old)
            cases["before-handout"] = ([*old_build, "--only", "handout"], old)
        if args.fallback:
            cases["no-hb-subset"] = ([sys.executable, "-c", NO_HB_SUBSET, source, "--out", tmp, "-q",
                                      "--no-strict"], ROOT)
        times: dict[str, list[float]] = {name: [] for name in cases}
        texts = paragraphs(100)
        times["compose-100"] = []
        try:
            for _ in range(args.runs):
                for name, (argv, cwd) in cases.items():
                    times[name].append(timed(argv, cwd))
                times["compose-100"].append(compose_seconds(texts))
        finally:
            if args.before:
                subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=False)
    base = statistics.median(times["baseline"])
    print(f"{'case':<15}{'median s':>10}{'min s':>8}{'max s':>8}{'x baseline':>12}   ({args.runs} runs each)")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<15}{median:>10.3f}{min(values):>8.3f}{max(values):>8.3f}{median / base:>12.2f}")
    print(f"compose-100: {sum(map(len, texts)):,} characters in {len(texts):,} paragraphs, CPU seconds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
