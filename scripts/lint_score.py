"""Score the punctuation fixer (`punctuation.fix_text`) on peers' own test cases and on correct Chinese texts.

    python scripts/lint_score.py [--peers] [--show-failures]

The cases are in tests/lint_cases/*.json, each with its origin (repository, commit, file, test, licence):
autocorrect (huacnlee/autocorrect), zhlint (zhlint-project/zhlint), the Chinese copywriting guidelines
(sparanoid/chinese-copywriting-guidelines), and correct texts (Debian's manpages-zh, this project's source).

Each case has an input and the peer's expected output. The expectation here is the peer's, less the spaces it
inserts beside Chinese characters or full-width marks: this project never inserts spaces there (the layout
adds the Han-Latin gap itself). Where a peer's expectation contradicts the Chinese-context rules this project
follows (GB/T 15834; the peers disagree among themselves on the same points), the case says so in `why` and
gives the expectation here in `here`. A case is
* a fix case when the expectation here differs from the input: scored exact when the fixer's output equals it;
* a correct case when it equals the input: scored untouched when the fixer leaves the input as it is;
* not scored when `scope` says why (a rewording, a spacing rule, a peer's option the project does not have).
"In Chinese context" means the input holds a Chinese character.

--peers also runs autocorrect (PyPI autocorrect-py) and zhlint (npm zhlint, run with node; set NODE_PATH to the
node_modules it is in) when installed, scoring their output after the same removal of inserted spaces.
"""

from __future__ import annotations

import argparse
import difflib
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studyprint.chars import is_cjk, is_han  # noqa: E402
from studyprint.punctuation import fix_text  # noqa: E402

CASES = ROOT / "tests" / "lint_cases"


@dataclass(frozen=True)
class Case:
    source: str  # the file in tests/lint_cases
    input: str
    expected: str  # the peer's
    here: str  # this project's
    scored: bool
    own: str  # the peer's, less the spaces it inserts: to score by the peers' own expectations

    @property
    def chinese(self) -> bool:
        return any(is_han(ch) for ch in self.input)

    @property
    def is_fix(self) -> bool:
        return self.here != self.input


def without_inserted_spaces(before: str, after: str) -> str:
    """`after` without the spaces it adds to `before` beside a Chinese character or a full-width mark. The two
    texts are aligned on their other characters; a gap between two aligned characters that has spaces in
    `after` and none in `before` is an inserted one."""
    kept_b = [i for i, ch in enumerate(before) if ch != " "]
    kept_a = [j for j, ch in enumerate(after) if ch != " "]
    matcher = difflib.SequenceMatcher(None, [before[i] for i in kept_b], [after[j] for j in kept_a], autojunk=False)
    aligned = {}  # index into kept_a -> index into kept_b
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            aligned.update(zip(range(j1, j2), range(i1, i2), strict=True))
    drop = set()
    for m in range(1, len(kept_a)):
        left, right = kept_a[m - 1], kept_a[m]
        if right - left == 1 or m - 1 not in aligned or m not in aligned:
            continue
        b_left, b_right = kept_b[aligned[m - 1]], kept_b[aligned[m]]
        if b_right - b_left == 1 and (is_cjk(after[left]) or is_cjk(after[right])):
            drop.update(range(left + 1, right))
    return "".join(ch for j, ch in enumerate(after) if j not in drop)


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(CASES.glob("*.json")):
        for c in json.loads(path.read_text(encoding="utf-8"))["cases"]:
            own = without_inserted_spaces(c["input"], c["expected"])
            cases.append(Case(path.name, c["input"], c["expected"], c.get("here", own), "scope" not in c, own))
    return cases


@dataclass(frozen=True)
class Score:
    exact: int
    fixes: int
    untouched: int
    correct: int

    def line(self) -> str:
        return (f"exact {_pct(self.exact, self.fixes)} ({self.exact}/{self.fixes}), "
                f"untouched {_pct(self.untouched, self.correct)} ({self.untouched}/{self.correct})")


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.0f} %" if total else "-"


def by_own_expectations(cases: list[Case]) -> list[Case]:
    """The cases with each peer's own expectation in place of this project's where they disagree."""
    return [Case(c.source, c.input, c.expected, c.own, c.scored, c.own) for c in cases]


def score(cases: list[Case], fixer: Callable[[str], str]) -> Score:
    scored = [c for c in cases if c.scored]
    fixes = [c for c in scored if c.is_fix]
    correct = [c for c in scored if not c.is_fix]
    return Score(sum(fixer(c.input) == c.here for c in fixes), len(fixes),
                 sum(fixer(c.input) == c.input for c in correct), len(correct))


def failures(cases: list[Case], fixer: Callable[[str], str]) -> list[tuple[Case, str]]:
    return [(c, out) for c in cases if c.scored and (out := fixer(c.input)) != c.here]


def _autocorrect() -> Callable[[str], str] | None:
    try:
        import autocorrect_py
    except ImportError:
        return None
    return lambda text: without_inserted_spaces(text, autocorrect_py.format(text))


def _zhlint(cases: list[Case]) -> Callable[[str], str] | None:
    """zhlint's output (default rules) for every input at once (one node process), looked up per text."""
    script = ("const {run}=require('zhlint');const fs=require('fs');"
              "const t=JSON.parse(fs.readFileSync(process.argv[1]));"
              "const out=t.map(x=>{try{return run(x,{rules:{preset:'default'}}).result}catch(e){return null}});"
              "fs.writeFileSync(process.argv[1],JSON.stringify(out))")
    inputs = sorted({c.input for c in cases})
    with tempfile.NamedTemporaryFile("w+", suffix=".json", encoding="utf-8") as f:
        json.dump(inputs, f)
        f.flush()
        try:
            subprocess.run(["node", "-e", script, f.name], capture_output=True, check=True, timeout=600)
        except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired):
            return None
        outputs = dict(zip(inputs, json.loads(Path(f.name).read_text(encoding="utf-8")), strict=True))
    return lambda text: without_inserted_spaces(text, outputs[text] if outputs[text] is not None else text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers", action="store_true", help="also score autocorrect and zhlint if installed")
    parser.add_argument("--show-failures", action="store_true", help="list the cases studyprint gets wrong")
    args = parser.parse_args()
    cases = load_cases()
    fixers: dict[str, Callable[[str], str] | None] = {"studyprint": fix_text}
    if args.peers:
        fixers["autocorrect"] = _autocorrect()
        fixers["zhlint"] = _zhlint(cases)
    chinese = [c for c in cases if c.chinese]
    print(f"{sum(c.scored for c in cases)} scored cases ({sum(c.scored and c.is_fix for c in cases)} fix, "
          f"{sum(c.scored and not c.is_fix for c in cases)} correct); in Chinese context "
          f"{sum(c.scored and c.is_fix for c in chinese)} fix, {sum(c.scored and not c.is_fix for c in chinese)} "
          "correct")
    for name, fixer in fixers.items():
        if fixer is None:
            print(f"{name}: not installed")
            continue
        print(f"{name:12} all: {score(cases, fixer).line()}")
        print(f"{'':12} Chinese context: {score(chinese, fixer).line()}")
        print(f"{'':12} Chinese context, by the peers' own expectations: "
              f"{score(by_own_expectations(chinese), fixer).line()}")
    if args.show_failures:
        for case, out in failures(cases, fix_text):
            print(f"\n[{case.source}] {case.input!r}\n  want {case.here!r}\n  got  {out!r}")


if __name__ == "__main__":
    main()
