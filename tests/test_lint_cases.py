"""The punctuation fixer scored on peers' own test cases and on correct Chinese texts (tests/lint_cases, scored by
scripts/lint_score.py, which prints the same figures): at least the best peer's exact rate, and correct texts
left as they are."""

from __future__ import annotations

import json
import sys

import pytest

from studyprint import ROOT
from studyprint.punctuation import fix_text

sys.path.insert(0, str(ROOT / "scripts"))
import lint_score  # noqa: E402

BEST_PEER_EXACT = 0.64  # autocorrect on the peers' punctuation cases in Chinese context, as issue 9 measured
UNTOUCHED = 0.98


@pytest.fixture(scope="module")
def chinese_cases() -> list[lint_score.Case]:
    return [c for c in lint_score.load_cases() if c.chinese]


def test_exact_on_the_punctuation_cases_in_chinese_context(chinese_cases: list[lint_score.Case]) -> None:
    score = lint_score.score(chinese_cases, fix_text)
    assert score.fixes >= 60
    assert score.exact / score.fixes >= BEST_PEER_EXACT, score.line()


def test_exact_by_the_peers_own_expectations_too(chinese_cases: list[lint_score.Case]) -> None:
    score = lint_score.score(lint_score.by_own_expectations(chinese_cases), fix_text)
    assert score.exact / score.fixes >= BEST_PEER_EXACT, score.line()


def test_correct_texts_are_left_untouched(chinese_cases: list[lint_score.Case]) -> None:
    score = lint_score.score(chinese_cases, fix_text)
    assert score.correct >= 900
    assert score.untouched / score.correct >= UNTOUCHED, score.line()


def test_a_fixer_that_does_nothing_scores_nothing(chinese_cases: list[lint_score.Case]) -> None:
    score = lint_score.score(chinese_cases, lambda text: text)
    assert score.exact == 0 and score.untouched == score.correct


def test_every_case_says_where_it_comes_from_and_why_it_differs() -> None:
    for path in sorted((ROOT / "tests" / "lint_cases").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["origin"].get("licence") or data["origin"].get("repository") == "this project", path.name
        for case in data["cases"]:
            assert "here" not in case or case.get("why"), (path.name, case["input"])


def test_inserted_spaces_beside_chinese_are_not_expected_here() -> None:
    assert lint_score.without_inserted_spaces("在LeanCloud上，", "在 LeanCloud 上，") == "在LeanCloud上，"
    assert lint_score.without_inserted_spaces("The（A）case", "The (A) case") == "The (A) case"
