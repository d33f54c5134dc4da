"""The key sentence a card shows when the source has no poster_line (studyprint/key_sentence.py, issue 12)."""

from __future__ import annotations

from studyprint.key_sentence import choose, sentences
from studyprint.model import Block, Section


def section(*paragraphs: str) -> Section:
    return Section(heading="标题", blocks=tuple(Block("paragraph", (p,)) for p in paragraphs))


def test_sentences_end_after_marks_outside_quotes_and_brackets():
    assert sentences("他说：“好吗？好。”然后走了。列表项，") == ["他说：“好吗？好。”然后走了。"]
    assert sentences("是的。unstable 中的版本最新！真的吗？") == ["是的。", "unstable 中的版本最新！", "真的吗？"]


def test_the_first_sentence_of_the_right_length():
    found = choose(section("思想是行动的先导，观念决定行动，思路决定出路。党群干部要树立远大信念。"))
    assert (found.text, found.paragraph, found.sentence) == ("思想是行动的先导，观念决定行动，思路决定出路。", 1, 1)


def test_a_long_first_sentence_is_passed_over():
    long = "党群干部的素质与修养高低，直接决定着党组织的威信和形象，直接影响着职工群众的所想所言所行。"
    found = choose(section(long, "有了高尚的人格，才会产生强大的渗透力、感召力和凝聚力。"))
    assert (found.paragraph, found.sentence) == (2, 1)


def test_a_short_sentence_is_read_with_the_next():
    assert choose(section("是的。unstable 中的版本最新。")).text == "是的。unstable 中的版本最新。"


def test_a_sentence_leaning_on_the_one_before_is_passed_over():
    found = choose(section("因此，作为一名党群干部必须严谨做人。创新是发展的动力和灵魂。"))
    assert found.text == "创新是发展的动力和灵魂。" and found.sentence == 2


def test_none_when_no_sentence_qualifies():
    assert choose(section("正文。")) is None
    assert choose(section("用于软件开发的重要的 GNU 应用，", "Perl、Python 以及相关的程序，")) is None
