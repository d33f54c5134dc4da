#!/usr/bin/env python3
"""Time builds, as medians of several runs and as ratios to a baseline measured in the same run, because these
machines are noisy. Each timed command is a fresh Python process (watch: one long-lived process, several edits);
the runs of the quick cases are interleaved, so that a slow moment of the machine hits every case. Every row is
printed with the command that produced it.

  baseline      python -c "import weasyprint"            (the interpreter and library start-up)
  build         python build.py SOURCE --out TMP -q --no-cache   (both PDFs, from nothing)
  handout       ... --only handout
  poster        ... --only poster
  bare-html     WeasyPrint alone rendering and writing the two print HTML files `--html` saved (what the build
                lays out last), tagged as the build writes them: the floor for a cold build
  no-op         studyprint SOURCE --out TMP -q, everything already built and cached
  lint-100k     studyprint lint on a 100 KB article: SOURCE's paragraphs repeated (clean Chinese text)
  lint-mixed    the same on 100 KB of the test articles' paragraphs (much Latin text, 289 problems to report)
  watch-edit    studyprint watch: from saving a one-paragraph edit to the rebuild's line (--runs edits)
  serial-20, jobs-20
                20 sources (copies of SOURCE under other names), --no-cache, --jobs 1 and --jobs 2 (--batch-runs)
  pages-3, pages-100
                a 3- and a 100-page handout made of the test articles' paragraphs, --no-cache; per page, and peak
                memory (maximum resident set of the build's process) (--batch-runs)
  before-*      the same with build.py of an earlier commit (--before REV, checked out in a temp worktree):
                e.g. the two layouts per handout before the composer
  compose-100   the composer alone (CPU seconds, in this process) on the body text of a 100-page A4 handout
                made of the paragraphs of tests/articles/ and source/
  no-hb-subset  the build with WeasyPrint's HarfBuzz subsetter switched off (its fontTools fallback),
                which is what a machine without libharfbuzz-subset0 gets (--fallback; slow)
  poster passes the layout passes of the poster's fit, as `-v` reports them

usage: python scripts/bench.py [--runs 5] [--batch-runs 3] [--before REV] [--fallback] [SOURCE]
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BUILD = ROOT / "build.py"
STUDYPRINT = [sys.executable, "-m", "studyprint"]
NO_HB_SUBSET = (
    "import sys, weasyprint.pdf.fonts as f; f.harfbuzz_subset = None; "
    "from studyprint.cli import main; sys.exit(main(sys.argv[1:]))"
)
BARE = (
    "import sys, weasyprint; from weasyprint.text.fonts import FontConfiguration; fonts = FontConfiguration()\n"
    "for name in sys.argv[1:]:\n"
    "    weasyprint.HTML(filename=name).write_pdf(name + '.pdf', font_config=fonts, pdf_identifier=True,\n"
    "                                            pdf_variant='pdf/ua-1', pdf_tags=True)"
)
# characters of body text per A4 page with these paragraphs (short ones among them): 141,020 in 137 pages, measured
# by building them (python build.py on a source of them)
PAGE_CHARS = 1030
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def timed(argv: list[str], cwd: Path = ROOT, codes: tuple[int, ...] = (0,)) -> tuple[float, int]:
    """Seconds the command took, and its peak resident memory in KB."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, env=ENV)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in codes:
            err.seek(0)
            raise SystemExit(f"failed ({process.returncode}): {shlex.join(argv)}\n{err.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss


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


def article(texts: list[str]) -> str:
    per_section = max(5, -(-len(texts) // 90))  # a source has at most 100 sections
    sections = [{"heading": f"第{n + 1}节", "paragraphs": texts[i:i + per_section]}
                for n, i in enumerate(range(0, len(texts), per_section))]
    return yaml.safe_dump({"title": "基准测试", "authors": [{"name": "作者"}], "sections": sections},
                          allow_unicode=True, width=10**9)


def source_of_bytes(size: int, texts: list[str]) -> str:
    """A source of about `size` bytes of UTF-8 made of these paragraphs, repeated or cut."""
    texts = texts * (size // len(article(texts).encode()) + 1)
    while len(article(texts).encode()) > size and len(texts) > 1:
        texts.pop()
    return article(texts)


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


def watch_edits(source: Path, tmp: Path, edits: int) -> list[float]:
    """Seconds from saving a one-paragraph edit to the line of its rebuild, in one `studyprint watch` process."""
    copy = tmp / "watched.yaml"
    text = source.read_text(encoding="utf-8")
    copy.write_text(text, encoding="utf-8")
    last = yaml.safe_load(text)["sections"][-1]["paragraphs"][-1]
    process = subprocess.Popen([*STUDYPRINT, "watch", str(copy), "--out", str(tmp / "watch-out")], cwd=tmp,
                               text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env={**ENV, "PYTHONUNBUFFERED": "1"})
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in process.stdout or ():
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()

    def until(word: str) -> str:
        while True:
            line = lines.get(timeout=300)
            if word in line:
                return line

    try:
        until("watching")
        times = []
        for n in range(edits):
            started = time.perf_counter()
            copy.write_text(text.replace(last, last + f"这是第{n + 1}次修改。"), encoding="utf-8")
            line = until("built")
            times.append(time.perf_counter() - started)
            if "unchanged" not in line:
                raise SystemExit(f"the paragraph edit rebuilt the poster: {line}")
        return times
    finally:
        process.terminate()
        process.wait()


def poster_passes(source: str, tmp: Path) -> str:
    done = subprocess.run([*STUDYPRINT, source, "--out", str(tmp / "passes"), "--only", "poster", "-v", "--no-cache"],
                          capture_output=True, text=True, check=True, env=ENV)
    return re.search(r"(\d+) layout passes", done.stdout).group(0)  # type: ignore[union-attr]


def show(name: str, values: list[float], base: float, command: str, note: str = "") -> None:
    median = statistics.median(values)
    print(f"{name:<14}{median:>9.3f}{min(values):>8.3f}{max(values):>8.3f}{median / base:>8.2f}  {note}")
    COMMANDS.append((name, command))


COMMANDS: list[tuple[str, str]] = []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", nargs="?", default=str(ROOT / "source" / "six-principles.yaml"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--batch-runs", type=int, default=3, help="runs of the 20-source and page-count cases")
    parser.add_argument("--before", metavar="REV", help="also time build.py of this commit")
    parser.add_argument("--fallback", action="store_true", help="also time the fontTools subsetting fallback")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    source = str(Path(args.source).resolve())
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        ENV["STUDYPRINT_CACHE"] = str(tmp / "cache")
        out = str(tmp / "out")
        build = [sys.executable, str(BUILD), source, "--out", out, "-q", "--no-cache"]
        own = yaml.safe_load(Path(source).read_text(encoding="utf-8"))
        sizes = {}
        for name, texts in (("big", [*own.get("intro", []), *(p for s in own["sections"] for p in s["paragraphs"])]),
                            ("mixed", paragraphs(40))):
            (tmp / f"{name}.yaml").write_text(source_of_bytes(100_000, texts), encoding="utf-8")
            sizes[name] = (tmp / f"{name}.yaml").stat().st_size
        subprocess.run([*STUDYPRINT, source, "--out", str(tmp / "html"), "--html", "-q", "--no-cache"], check=True,
                       env=ENV)
        stem = Path(source).stem
        htmls = [str(tmp / "html" / f"{stem}-{kind}.html") for kind in ("handout", "poster")]
        subprocess.run([*STUDYPRINT, source, "--out", str(tmp / "noop"), "-q"], check=True, env=ENV)
        cases: dict[str, tuple[list[str], Path, tuple[int, ...]]] = {
            "baseline": ([sys.executable, "-c", "import weasyprint"], ROOT, (0,)),
            "build": (build, ROOT, (0,)),
            "handout": ([*build, "--only", "handout"], ROOT, (0,)),
            "poster": ([*build, "--only", "poster"], ROOT, (0,)),
            "bare-html": ([sys.executable, "-c", BARE, *htmls], ROOT, (0,)),
            "no-op": ([*STUDYPRINT, source, "--out", str(tmp / "noop"), "-q"], ROOT, (0,)),
            "lint-100k": ([*STUDYPRINT, "lint", str(tmp / "big.yaml"), "-q"], ROOT, (0,)),
            "lint-mixed": ([*STUDYPRINT, "lint", str(tmp / "mixed.yaml"), "-q"], ROOT, (1,)),
        }
        if args.before:
            old = worktree(args.before, tmp_name)
            old_build = [sys.executable, str(old / "build.py"), source, "--out", out, "-q"]
            cases["before-build"] = (old_build, old, (0,))
            cases["before-handout"] = ([*old_build, "--only", "handout"], old, (0,))
        if args.fallback:
            cases["no-hb-subset"] = ([sys.executable, "-c", NO_HB_SUBSET, source, "--out", out, "-q",
                                      "--no-strict", "--no-cache"], ROOT, (0,))
        times: dict[str, list[float]] = {name: [] for name in cases}
        texts = paragraphs(100)
        times["compose-100"] = []
        try:
            for _ in range(args.runs):
                for name, (argv, cwd, codes) in cases.items():
                    times[name].append(timed(argv, cwd, codes)[0])
                times["compose-100"].append(compose_seconds(texts))
        finally:
            if args.before:
                subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=False)
        times["watch-edit"] = watch_edits(Path(source), tmp, args.runs)

        many = tmp / "many"
        many.mkdir()
        for n in range(20):
            (many / f"article-{n:02}.yaml").write_text(Path(source).read_text(encoding="utf-8"), encoding="utf-8")
        batch = {f"{name}-20": [*STUDYPRINT, *map(str, sorted(many.glob("*.yaml"))), "--out", str(tmp / name), "-q",
                                "--no-cache", "--jobs", jobs] for name, jobs in (("serial", "1"), ("jobs", "2"))}
        pages = {}
        for count in (3, 100):
            path = tmp / f"pages-{count}.yaml"
            path.write_text(article(paragraphs(count)), encoding="utf-8")
            pages[f"pages-{count}"] = [*STUDYPRINT, str(path), "--out", str(tmp / "pages"), "-q", "--no-cache",
                                       "--only", "handout"]
        memory: dict[str, list[int]] = {}
        for _ in range(args.batch_runs):
            for name, argv in {**batch, **pages}.items():
                seconds, peak = timed(argv)
                times.setdefault(name, []).append(seconds)
                memory.setdefault(name, []).append(peak)
        counts = {name: page_count(tmp / "pages" / f"{name}-handout.pdf") for name in pages}
        passes = poster_passes(source, tmp)

    base = statistics.median(times["baseline"])
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"{'case':<14}{'median s':>9}{'min s':>8}{'max s':>8}{'x base':>8}  "
          f"({args.runs} runs each; 20-source and page cases {args.batch_runs})")
    notes = {
        "build": f"{median['build'] / median['bare-html']:.2f} x bare-html (target <= 1.25)",
        "no-op": f"{median['no-op'] / median['build']:.2f} x build (target <= 0.3 s and <= 0.15)",
        "lint-100k": f"a source of {sizes['big']:,} bytes (target <= 0.33 x base)",
        "lint-mixed": f"a source of {sizes['mixed']:,} bytes",
        "watch-edit": f"{median['watch-edit'] / median['build']:.2f} x build (target <= 0.35)",
        "jobs-20": f"{median['jobs-20'] / median['serial-20']:.2f} x serial-20 (target <= 0.6)",
    }
    for name in ("pages-3", "pages-100"):
        notes[name] = (f"{counts[name]} pages, {median[name] / counts[name]:.3f} s a page, "
                       f"peak {max(memory[name]) / 1024:.0f} MB")
    per_page = [median[n] / counts[n] for n in ("pages-3", "pages-100")]
    notes["pages-100"] += f"; per page x{per_page[1] / per_page[0]:.2f} of pages-3 (target < 1.3, < 400 MB)"
    commands = {name: shlex.join(argv) for name, (argv, _, _) in cases.items()}
    commands |= {name: shlex.join(argv) for name, argv in pages.items()}
    commands |= {name: f"{shlex.join(STUDYPRINT)} TMP/many/*.yaml {shlex.join(argv[len(STUDYPRINT) + 20:])}"
                 for name, argv in batch.items()}
    commands["compose-100"] = f"compose_seconds() in this script, {sum(map(len, texts)):,} characters, CPU seconds"
    commands["watch-edit"] = f"{shlex.join([*STUDYPRINT, 'watch', 'COPY', '--out', 'DIR'])}, then edit COPY"
    for name, values in times.items():
        show(name, values, base, commands[name], notes.get(name, ""))
    print(f"poster fit: {passes} (python -m studyprint SOURCE --only poster -v --no-cache)")
    print(f"load average (1 min) on {os.cpu_count()} cores: {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    print("\ncommands (TMP is a temporary folder; STUDYPRINT_CACHE points into it):")
    for name, command in COMMANDS:
        print(f"  {name}: {command.replace(str(tmp), 'TMP')}")
    return 0


def page_count(path: Path) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


if __name__ == "__main__":
    sys.exit(main())
