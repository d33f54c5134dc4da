#!/usr/bin/env python3
"""Time cold builds (a fresh Python process each), as medians of several runs and as ratios to a baseline
measured in the same run, because these machines are noisy.

  baseline      python -c "import weasyprint"            (the interpreter and library start-up)
  build         python build.py SOURCE --out TMP -q       (both PDFs, from nothing)
  handout       ... --only handout
  poster        ... --only poster
  no-hb-subset  the build with WeasyPrint's HarfBuzz subsetter switched off (its fontTools fallback),
                which is what a machine without libharfbuzz-subset0 gets (--fallback; slow)

usage: python scripts/bench.py [--runs 5] [--fallback] [SOURCE]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build.py"
NO_HB_SUBSET = (
    "import sys, weasyprint.pdf.fonts as f; f.harfbuzz_subset = None; "
    "from studyprint.cli import main; sys.exit(main(sys.argv[1:]))"
)


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", nargs="?", default=str(ROOT / "source" / "six-principles.yaml"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fallback", action="store_true", help="also time the fontTools subsetting fallback")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        build = [sys.executable, str(BUILD), args.source, "--out", out, "-q"]
        cases = {
            "baseline": [sys.executable, "-c", "import weasyprint"],
            "build": build,
            "handout": [*build, "--only", "handout"],
            "poster": [*build, "--only", "poster"],
        }
        if args.fallback:
            cases["no-hb-subset"] = [sys.executable, "-c", NO_HB_SUBSET, args.source, "--out", out, "-q", "--no-strict"]
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):  # interleaved, so that a slow moment of the machine hits every case
            for name, argv in cases.items():
                times[name].append(timed(argv))
    base = statistics.median(times["baseline"])
    print(f"{'case':<14}{'median s':>10}{'min s':>8}{'max s':>8}{'x baseline':>12}   ({args.runs} runs each)")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<14}{median:>10.3f}{min(values):>8.3f}{max(values):>8.3f}{median / base:>12.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
