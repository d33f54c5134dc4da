#!/usr/bin/env python3
"""Time and peak memory of the worst case of every input limit (README "Limits").

Each case is a source generated into a temp folder and built in a fresh process -- `python build.py SOURCE --out TMP
--no-cache -q --only handout` and `--only poster` (modes; `all` is the plain build, `check` is --check, `lint` is
--lint) -- with a timeout. The child's wall time, peak RSS (os.wait4's ru_maxrss, what `/usr/bin/time -v` reports)
and the pages it printed are one row each. The goal: every source the limits admit builds in at most 60 s and 1 GB,
or is refused within 5 s with a message naming the limit and the place.

  python scripts/limits_bench.py                         every case, modes handout and poster
  python scripts/limits_bench.py -k poster_line -k title  cases whose name contains one of these
  python scripts/limits_bench.py --list                   the cases and their sizes, nothing built
  python scripts/limits_bench.py -k field:heading:prose --size 2000 --modes poster   one case at another size
  python scripts/limits_bench.py -k body:han --bisect --modes handout   the largest size within 60 s and 1 GB
  python scripts/limits_bench.py -k body:han --keep DIR   keep the generated sources in DIR

Sizes are characters of the text that varies (a field, a paragraph, the whole source), or the count of the thing
that varies (paragraphs, sections, authors, keys); `bytes` is the source file's size. The rows are printed as a
Markdown table; `load` is the 1-minute load average when the run started (2 cores: above 2 the run was slowed).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studyprint.chars import is_han  # noqa: E402
from studyprint.model import (  # noqa: E402
    MAX_BODY_TEXTS,
    MAX_LINE_CHARS,
    MAX_SECTIONS,
    MAX_TEXT_CHARS,
    MAX_TOTAL_CHARS,
)
from studyprint.typography import MAX_PIECES  # noqa: E402

GOAL_SECONDS, GOAL_MB, REFUSE_SECONDS = 60.0, 1024.0, 5.0
BASE = ROOT / "source" / "six-principles.yaml"


# --- text ---------------------------------------------------------------------------------------------------------

def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _corpus() -> str:
    """Every body text of the shipped and test articles, in order: real Chinese prose with Latin words, paths,
    versions and options (the vnpy README, the Debian texts, the ls man page)."""
    texts = []
    for path in sorted([*ROOT.glob("source/*.yaml"), *ROOT.glob("tests/articles/*.yaml")]):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts += _strings(data.get("intro", [])) + [s for sec in data["sections"] for s in _strings(sec["paragraphs"])]
    return "".join(t.replace("**", "") for t in texts)


CORPUS = _corpus()
HAN = "".join(ch for ch in CORPUS if is_han(ch))
WORD = "pneumonoultramicroscopicsilicovolcanoconiosis"  # lower case: the composer may hyphenate it (pyphen)


def repeat(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


def prose(n: int, offset: int = 0) -> str:
    """n characters of real prose; no space at either end (YAML would strip it)."""
    text = repeat(CORPUS[offset:] + CORPUS[:offset], n)
    return text.strip().ljust(n, "中") if len(text.strip()) < n else text


def han(n: int, offset: int = 0) -> str:
    return repeat(HAN[offset:] + HAN[:offset], n)


def toc(n: int) -> str:
    """Table-of-contents lines: a title, a leader run, a page number."""
    return repeat("第一章　总则" + "…" * 30 + "12", n)


def url(n: int) -> str:
    return repeat("https://example.org/" + "/".join(f"{i:08x}" for i in range(n // 9 + 1)), n)


def hexhash(n: int) -> str:
    return repeat("0123456789abcdef5e3b", n)


TEXTS: dict[str, Callable[[int], str]] = {
    "prose": prose,  # Chinese with Latin words: the most break opportunities
    "han": han,
    "a中": lambda n: repeat("a中", n),
    "leaders": lambda n: repeat("…", n),  # one —…… group: never opened
    "toc": toc,
    "stops": lambda n: repeat("。", n),  # no break opportunity at all
    "word": lambda n: repeat(WORD, n),  # one long lower-case word (hyphenation points)
    "hash": hexhash,  # one unbreakable run
    "url": url,  # a path: breaks after '/'
}


# --- YAML ---------------------------------------------------------------------------------------------------------

def q(text: str) -> str:
    """A double-quoted YAML scalar (JSON's string syntax is YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def emit(value: object, indent: int = 0) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, v in value.items():
            if isinstance(v, dict | list):
                lines.append(f"{pad}{key}:")
                lines += emit(v, indent + 2)
            else:
                lines.append(f"{pad}{key}: {scalar(v)}")
    else:
        for v in value:
            if isinstance(v, dict | list):
                inner = emit(v, indent + 2)
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines += inner[1:]
            else:
                lines.append(f"{pad}- {scalar(v)}")
    return lines


def scalar(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime.date):
        return v.isoformat()
    return q(str(v))


def dump(doc: dict) -> str:
    return "\n".join(emit(doc)) + "\n"


def base() -> dict:
    doc = yaml.safe_load(BASE.read_text(encoding="utf-8"))
    doc.setdefault("subtitle", "党群工作的体会")
    doc.setdefault("editor", "邓丽丽")
    doc.setdefault("poster", {})
    return doc


def minimal(sections: list[dict] | None = None, **fields: object) -> dict:
    doc: dict = {"title": "极限测试", "authors": [{"name": "李先波"}]}
    doc.update(fields)
    doc["sections"] = sections or [{"heading": "树立远大信念", "paragraphs": ["思想是行动的先导，观念决定行动。"]}]
    return doc


# --- cases --------------------------------------------------------------------------------------------------------

@dataclass
class Case:
    name: str
    make: Callable[[int], str]  # size -> source text
    size: int  # the worst size the limits admit
    what: str  # what the size counts
    low: int = 1  # bisection's lower end


def field_case(field: str, kind: str, n: int) -> Case:
    def make(size: int) -> str:
        doc = base()
        text = TEXTS[kind](size)
        s0 = doc["sections"][0]
        if field == "title":
            doc["title"] = text
        elif field == "subtitle":
            doc["subtitle"] = text
        elif field in ("heading", "subheading", "poster_line"):
            s0[field] = text
        elif field == "editor":
            doc["editor"] = text
        elif field in ("tagline", "footer"):
            doc["poster"][field] = text
        elif field == "author":
            doc["authors"][0]["name"] = text
        elif field == "affiliation":
            doc["authors"][0]["affiliation"] = text
        elif field == "point":
            s0["paragraphs"].insert(0, {"point": text})
        elif field == "signature":
            s0["paragraphs"].append({"signature": text})
        else:
            raise ValueError(field)
        return dump(doc)
    return Case(f"field:{field}:{kind}:{n}", make, n, "chars", 200)


def body_case(kind: str, n: int, block: str = "paragraph") -> Case:
    def make(size: int) -> str:
        doc = base()
        text = TEXTS[kind](size)
        entry = {"paragraph": text, "quote": {"quote": text}, "item": {"numbered": [text]}}[block]
        doc["sections"][0]["paragraphs"].insert(0, entry)
        return dump(doc)
    name = f"body:{kind}" if block == "paragraph" else f"{block}:{kind}"
    return Case(f"{name}:{n}", make, n, "chars", 1000)


def paragraphs_of(chars: int, per: int, text: Callable[[int, int], str]) -> list[str]:
    return [text(min(per, chars - at), at) for at in range(0, chars, per)]


def whole_prose(total: int, per: int, kind: Callable[[int, int], str], title: int = 0) -> str:
    """A source of `total` characters in paragraphs of `per`, in sections of 50 paragraphs (and a title of `title`
    characters, which the running header repeats on every page)."""
    paras = paragraphs_of(total - 200 - title, per, kind)
    sections = [{"heading": f"第{i + 1}部分", "subheading": "做到注重长远，顾全大局",
                 "paragraphs": paras[i * 50:(i + 1) * 50]} for i in range((len(paras) + 49) // 50)]
    doc = minimal(sections[:MAX_SECTIONS])
    if title:
        doc["title"] = prose(title, 5000)
    return dump(doc)


def flow_paragraphs(count: int, item: str) -> str:
    """`count` paragraphs of `item` in flow style (`[中,中,…]`: the most paragraphs per byte)."""
    return ('title: "极限测试"\nauthors:\n  - name: "李先波"\nsections:\n  - heading: "树立远大信念"\n'
            f"    paragraphs: [{','.join([item] * count)}]\n")


def block_paragraphs(count: int, item: str) -> str:
    return ('title: "极限测试"\nauthors:\n  - name: "李先波"\nsections:\n  - heading: "树立远大信念"\n'
            "    paragraphs:\n" + f"      - {item}\n" * count)


def list_items(count: int, item: str) -> str:
    return ('title: "极限测试"\nauthors:\n  - name: "李先波"\nsections:\n  - heading: "树立远大信念"\n'
            f"    paragraphs:\n      - numbered: [{','.join([item] * count)}]\n")


def sections_with(count: int, heading: int = 8, practice: int = 0, line: int = 0, para: int = 40,
                  key: bool = True) -> str:
    """`count` sections with headings, practices and poster_lines of these lengths (prose), one paragraph each."""
    sections = []
    for i in range(count):
        s: dict = {"heading": han(heading, 1000 * i)}
        if practice:
            s["subheading"] = prose(practice, 2000 * i)
        if line:
            s["poster_line"] = prose(line, 3000 * i)
        s["paragraphs"] = [prose(para, 4000 * i)]
        sections.append(s)
    doc = minimal(sections)
    if not key:
        doc["poster"] = {"key_sentences": False}
    return dump(doc)


def authors(count: int, name: int = 3, affiliation: int = 0) -> str:
    doc = minimal(authors=[{"name": han(name, 7 * i), **({"affiliation": han(affiliation, 5000 + 97 * i)}
                                                         if affiliation else {})} for i in range(count)])
    return dump(doc)


def nested(depth: int) -> str:
    """A valid source with an unknown key holding `depth` levels of lists (the source's own levels included)."""
    return dump(minimal()) + "extra: " + "[" * (depth - 1) + "x" + "]" * (depth - 1) + "\n"


def cases() -> list[Case]:
    found: list[Case] = []
    fields = ["poster_line", "heading", "subheading", "title", "subtitle", "editor", "tagline", "footer", "author",
              "affiliation", "point", "signature"]
    for field in fields:
        longest = MAX_TEXT_CHARS if field in ("point", "signature") else MAX_LINE_CHARS  # body or display text
        for kind in ("prose", "stops", "word"):
            found.append(field_case(field, kind, longest))
        if longest == MAX_LINE_CHARS:
            found.append(field_case(field, "prose", MAX_TEXT_CHARS))  # refused at once
    for kind in ("han", "prose", "a中", "leaders", "toc", "stops", "hash", "url", "word"):
        found.append(body_case(kind, MAX_TEXT_CHARS))
    for block in ("quote", "item"):
        for kind in ("prose", "a中"):
            found.append(body_case(kind, MAX_TEXT_CHARS, block))
    total = MAX_TOTAL_CHARS
    found += [
        Case("source:han-prose", lambda n: whole_prose(n, 1000, han), total, "chars", 1000),
        Case("source:mixed-prose", lambda n: whole_prose(n, 1000, prose), total, "chars", 1000),
        Case("source:han-prose+title", lambda n: whole_prose(total, 1000, han, n), 2_000, "chars of title", 10),
        Case("source:most-pieces", lambda n: whole_prose(total, 1000, lambda k, at: (
            repeat("a中", k) if at < 2 * n else han(k, at))), MAX_PIECES, "pieces (a中 pairs)", 1000),
        Case("source:paragraphs-of-1-han", lambda n: block_paragraphs(n, "中"), MAX_BODY_TEXTS, "paragraphs", 1000),
        Case("source:paragraphs-of-1-flow", lambda n: flow_paragraphs(n, "a"), MAX_BODY_TEXTS, "paragraphs", 1000),
        Case("source:paragraphs-of-59", lambda n: whole_prose(59 * n + 200, 59, han), MAX_BODY_TEXTS, "paragraphs",
             1000),
        Case("source:list-items-of-2", lambda n: list_items(n, "中文"), MAX_BODY_TEXTS, "items", 1000),
        Case("refused:paragraphs-of-1-han", lambda n: block_paragraphs(n, "中"), 80_000, "paragraphs", 1000),
        Case("refused:a中-600KB", lambda n: whole_prose(n, MAX_TEXT_CHARS, lambda k, _: repeat("a中", k)), total,
             "chars", 1000),
        Case("source:100-long-headings", lambda n: sections_with(100, heading=n), MAX_LINE_CHARS, "chars per heading",
             8),
        Case("poster:100-sections", lambda n: sections_with(n), 100, "sections"),
        Case("poster:100-sections-full", lambda n: sections_with(n, 12, 20, 40, 200), 100, "sections"),
        Case("poster:100-sections-long", lambda n: sections_with(100, n, n, n, 100), MAX_LINE_CHARS,
             "chars of heading, practice and poster_line", 10),
        Case("poster:6-sections-long", lambda n: sections_with(6, n, n, n, 100), MAX_LINE_CHARS,
             "chars of heading, practice and poster_line", 10),
        Case("authors:100", lambda n: authors(n), 100, "authors"),
        Case("authors:100-affiliations", lambda n: authors(100, 20, n), MAX_LINE_CHARS, "chars per affiliation", 10),
        Case("yaml:depth-20", nested, 20, "levels"),
        Case("yaml:depth-100000", nested, 100_000, "levels"),
        Case("yaml:duplicate-keys", lambda n: dump(minimal()) + 'keywords: "a"\n' * n, 70_000, "keys"),
        Case("yaml:unknown-keys", lambda n: dump(minimal()) + "".join(f"titel{i}: a\n" for i in range(n)), 70_000,
             "keys"),
        Case("yaml:900KB-key", lambda n: dump(minimal()) + "? " + "k" * n + "\n: a\n", 900_000, "chars"),
        Case("yaml:no-glyph-chars", lambda n: dump(minimal(editor=repeat("🙂", n))), 20_000, "chars"),
        Case("yaml:no-glyph-everywhere", lambda n: dump(minimal(intro=[repeat("🙂", 20_000)] * (n // 20_000))),
             240_000, "chars"),
    ]
    return found


# --- running ------------------------------------------------------------------------------------------------------

MODES = {"all": [], "handout": ["--only", "handout"], "poster": ["--only", "poster"], "check": ["--check"],
         "lint": ["--lint"]}


@dataclass
class Result:
    status: str  # the exit status, or "timeout"
    first: str  # the first line of stderr
    err_lines: int  # how many lines stderr has
    err_bytes: int
    seconds: float
    mb: float
    pages: str
    load: float

    def over(self) -> bool:
        return self.status in ("timeout", "memcap") or self.seconds > GOAL_SECONDS or self.mb > GOAL_MB


def rss_mb(pid: int) -> float:
    """The process's resident memory now, in MB (0 if it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else 0.0


def run(source: Path, mode: str, timeout: float, extra: list[str], mem_cap: float = 4096) -> Result:
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="limits-out-") as out:
        argv = [sys.executable, str(ROOT / "build.py"), str(source), "--out", out, "--no-cache", *MODES[mode], *extra]
        with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
            start = time.perf_counter()
            child = subprocess.Popen(argv, cwd=ROOT, stdout=stdout, stderr=stderr, start_new_session=True)
            status: str | None = None
            while status is None:
                pid, code, usage = os.wait4(child.pid, os.WNOHANG)
                if pid:
                    status = str(os.waitstatus_to_exitcode(code))
                    break
                over_time = time.perf_counter() - start > timeout
                if over_time or rss_mb(child.pid) > mem_cap:
                    os.killpg(child.pid, signal.SIGKILL)
                    pid, code, usage = os.wait4(child.pid, 0)
                    status = "timeout" if over_time else "memcap"
                    break
                time.sleep(0.05)
            seconds = time.perf_counter() - start
            child.returncode = 0  # reaped by wait4
            stdout.seek(0)
            stderr.seek(0)
            printed = stdout.read().decode("utf-8", "replace")
            whole = stderr.read()
            err = whole[:4000].decode("utf-8", "replace")
    pages = ",".join(re.findall(r"(\d+) page\(s\)", printed))
    first = err.strip().splitlines()[0] if err.strip() else ""
    first = first.replace(str(source), "SRC").replace(str(source.parent), "TMP")
    return Result(status, first, whole.count(b"\n"), len(whole), seconds, usage.ru_maxrss / 1024, pages, load)


def short(text: str, n: int = 90) -> str:
    text = text.replace("|", "/")
    return text if len(text) <= n else text[:n - 1] + "…"


def row(case: Case, size: int, nbytes: int, mode: str, r: Result) -> str:
    flag = " **over**" if r.over() else ""
    if r.status not in ("0", "timeout", "memcap") and r.seconds <= REFUSE_SECONDS and not flag:
        flag = " refused"
    elif r.status not in ("0", "timeout", "memcap") and r.seconds > REFUSE_SECONDS:
        flag += " slow refusal"
    return (f"| {case.name} | {size:,} {case.what} | {nbytes:,} | {mode} | {r.status} | {short(r.first)} | "
            f"{r.err_lines:,} / {r.err_bytes:,} | "
            f"{r.seconds:.1f}{'+' if r.status in ('timeout', 'memcap') else ''} | {r.mb:.0f} | {r.pages} | "
            f"{r.load:.2f} |{flag}")


HEADER = ("| case | size | bytes | mode | exit | first line of stderr | stderr lines / bytes | wall s | peak MB | "
          "pages | load |\n|---|---|---|---|---|---|---|---|---|---|---|")


def measure(case: Case, size: int, mode: str, folder: Path, timeout: float, extra: list[str],
            mem_cap: float = 4096) -> tuple[Result, int]:
    source = folder / f"{re.sub(r'[^A-Za-z0-9]+', '-', case.name)}-{size}.yaml"
    source.write_text(case.make(size), encoding="utf-8")
    nbytes = source.stat().st_size
    result = run(source, mode, timeout, extra, mem_cap)
    print(row(case, size, nbytes, mode, result), flush=True)
    return result, nbytes


def bisect(case: Case, mode: str, folder: Path, extra: list[str]) -> None:
    """The largest size within the goal (60 s, 1 GB), between case.low and case.size, to within 8 %."""
    good, bad = case.low, case.size
    result, _ = measure(case, bad, mode, folder, GOAL_SECONDS + 5, extra, 2 * GOAL_MB)
    if not result.over():
        print(f"{case.name} {mode}: the worst size admitted, {bad:,}, is within the goal")
        return
    while bad > good * 1.08 + 1:
        middle = int((good * bad) ** 0.5)
        result, _ = measure(case, middle, mode, folder, GOAL_SECONDS + 5, extra, 2 * GOAL_MB)
        if result.over():
            bad = middle
        else:
            good = middle
    print(f"{case.name} {mode}: largest size within {GOAL_SECONDS:.0f} s and {GOAL_MB:.0f} MB: about {good:,} "
          f"{case.what} (over at {bad:,})")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-k", action="append", default=[], help="run cases whose name contains this (repeatable)")
    p.add_argument("--modes", default="handout,poster", help="comma-separated: " + ", ".join(MODES))
    p.add_argument("--size", type=int, help="this size instead of each case's worst")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per build (default 120)")
    p.add_argument("--bisect", action="store_true", help="find the largest size within 60 s and 1 GB")
    p.add_argument("--mem-cap", type=float, default=4096, help="MB: a build using more is killed (default 4096)")
    p.add_argument("--list", action="store_true", help="list the cases")
    p.add_argument("--keep", type=Path, help="write the sources here and keep them")
    p.add_argument("--extra", default="", help="more build.py options, e.g. '--paper A5 --booklet'")
    args = p.parse_args()
    selected = [c for c in cases() if not args.k or any(k in c.name for k in args.k)]
    if args.list:
        for case in selected:
            print(f"{case.name}: {case.size:,} {case.what}")
        return 0
    modes = args.modes.split(",")
    extra = args.extra.split()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="limits-src-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}; "
          f"{os.cpu_count()} cores; python {sys.version.split()[0]}")
    print(HEADER, flush=True)
    try:
        for case in selected:
            for mode in modes:
                if args.bisect:
                    bisect(case, mode, folder, extra)
                else:
                    measure(case, args.size or case.size, mode, folder, args.timeout, extra, args.mem_cap)
    finally:
        if not args.keep:
            for path in folder.iterdir():
                path.unlink()
            folder.rmdir()
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
