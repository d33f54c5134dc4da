"""A longer fuzz run of the whole build than the test suite's (tests/test_fuzz.py, same generators and checks).

    python scripts/fuzz.py --minutes 10

Runs the four generators in turn (YAML-ish documents, raw bytes, arbitrary Unicode in valid sources, drawable
text that builds) until the time is up, then prints how many cases each tried, how they ended, the most common
messages, and every failure with its (shrunk) falsifying example. Exit status 1 if anything failed.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import test_fuzz  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402

CHUNK = 200  # cases per generator before switching to the next one


def message_kind(line: str) -> str:
    """A message without its path, position, quoted values and numbers: what kind of refusal it is."""
    text = re.sub(r"^.*?fuzz\.yaml(:\d+:\d+)?: ", "", line)
    text = re.sub(r"'[^']*'", "'…'", text)
    text = re.sub(r"U\+[0-9A-F]+|0x[0-9a-f]+|/tmp/\S+", "…", text)
    return re.sub(r"(?<![\w-])\d[\d,]*", "N", text)[:100]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=5.0, help="how long to run (default 5)")
    p.add_argument("--builds", type=int, default=10,
                   help="full builds per round for the Unicode generator once a case validates (default 10)")
    args = p.parse_args()

    tried: collections.Counter[str] = collections.Counter()
    ended: collections.Counter[str] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    failures: list[str] = []
    budget = [0]

    def record(name: str, outcome: test_fuzz.Outcome) -> None:
        tried[name] += 1
        ended["built" if outcome.code == 0 else "refused"] += 1
        for line in outcome.err.splitlines()[:1]:
            kinds[message_kind(line)] += 1

    def yamlish(text):
        record("yamlish", test_fuzz.check(text))

    def raw_bytes(data):
        record("raw bytes", test_fuzz.check(data))

    def unicode(text):
        record("unicode", test_fuzz.check_mostly_validating(text, budget))

    def drawable(text):
        outcome = test_fuzz.check(text)
        record("drawable", outcome)
        assert outcome.code == 0 or "the poster takes" in outcome.err, outcome.err

    runs = [
        (yamlish, test_fuzz.yamlish(), CHUNK),
        (raw_bytes, test_fuzz.raw_bytes(), CHUNK),
        (unicode, test_fuzz.unicode_sources(), CHUNK),
        (drawable, test_fuzz.buildable_sources(), 10),
    ]
    deadline = time.monotonic() + args.minutes * 60
    started = time.monotonic()
    rounds = 0
    while time.monotonic() < deadline:
        rounds += 1
        for function, strategy, count in runs:
            if time.monotonic() >= deadline:
                break
            budget[0] = args.builds
            test = settings(max_examples=count, deadline=None, database=None,
                            suppress_health_check=list(HealthCheck))(given(strategy)(function))
            try:
                test()
            except Exception as e:  # a falsified case, shrunk by hypothesis: report it and go on
                notes = "\n".join(getattr(e, "__notes__", []))
                failures.append(f"{function.__name__}: {type(e).__name__}: {e}\n{notes}\n"
                                + "".join(traceback.format_exception(e)[-3:]))
                print("FAILURE " + failures[-1], flush=True)
        print(f"round {rounds}: {sum(tried.values())} cases, {len(failures)} failure(s), "
              f"{time.monotonic() - started:.0f} s", flush=True)

    elapsed = time.monotonic() - started
    print(f"\n{sum(tried.values())} cases in {elapsed / 60:.1f} min: "
          + ", ".join(f"{name} {n}" for name, n in tried.items()))
    print("outcomes: " + ", ".join(f"{k} {n}" for k, n in ended.items()))
    print("most common first messages:")
    for kind, n in kinds.most_common(15):
        print(f"  {n:7d}  {kind}")
    print(f"{len(failures)} failure(s)")
    for failure in failures:
        print("-" * 72 + "\n" + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
