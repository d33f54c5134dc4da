"""Unit and property tests of the paragraph composer (studyprint/compose.py): what it sets, where it breaks,
and that total-fit does better than breaking each line as early as it fills."""

from __future__ import annotations

import math
import time
import unicodedata

from conftest import MIXED_PIECES
from hypothesis import given, settings
from hypothesis import strategies as st

from studyprint import compose as c
from studyprint.chars import NO_LINE_END, NO_LINE_START, is_mark

A4, INDENT = 38, 2

TEXTS = st.lists(st.sampled_from(MIXED_PIECES), min_size=1, max_size=80).map("".join).filter(lambda t: t.strip())


def line_text(p: c.Paragraph, line: c.Line) -> str:
    return "".join(s.text for s in line.segments)


def composed(text: str, measure: float = A4, indent: float = INDENT) -> c.Paragraph:
    return c.compose([c.Run(text)], measure, indent)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.sampled_from([(38, 2), (30, 2), (12, 0)]))
def test_no_character_is_added_or_lost(text: str, page: tuple[int, int]) -> None:
    """The lines hold every character of the text, in order; only spaces between words go (the layout
    replaces them by gaps and line breaks) and a hyphen is added where a word is broken."""
    p = composed(text, *page)
    out = "".join(line_text(p, line).removesuffix(c.HYPHEN) if _hyphenated(p, line) else line_text(p, line)
                  for line in p.lines)
    assert out == "".join(ch for ch in text if not ch.isspace() or ch == "\u3000")


def _hyphenated(p: c.Paragraph, line: c.Line) -> bool:
    return p.junctions[line.end].kind == "join" and p.junctions[line.end].end > 0


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.sampled_from([(38, 2), (30, 2), (12, 0)]))
def test_lines_fit_the_measure_and_justified_ones_fill_it(text: str, page: tuple[int, int]) -> None:
    p = composed(text, *page)
    for k, line in enumerate(p.lines):
        assert line.width <= p.measure + 1e-6, (line_text(p, line), line.width)
        if k < len(p.lines) - 1 and line.justified and not p.junctions[line.end].ragged:
            assert abs(line.width - p.measure) < 1e-6
            assert abs(line.fit.tracking) <= (c.TRACK_LOOSE if p.loose else c.TRACK_MAX) + 1e-9


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_kinsoku(text: str) -> None:
    """No line starts with a closing or pause mark (or · ～ — …) or ends with an opening one, unless the
    text gave no other choice (a run of such marks wider than a line)."""
    p = composed(text)
    for line in p.lines[1:]:
        if p.junctions[line.start].penalty < c.EMERGENCY_PENALTY:
            assert line.segments[0].text[0] not in NO_LINE_START, line_text(p, line)
    for line in p.lines[:-1]:
        if p.junctions[line.end].penalty < c.EMERGENCY_PENALTY:
            assert line.segments[-1].text[-1] not in NO_LINE_END, line_text(p, line)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_words_break_only_where_they_may(text: str) -> None:
    """A Latin word, number, version, time or option is broken only at a hyphenation point of a lower-case word,
    after the / of a path or URL, after the @ of an address, before the . of a dotted name -- or anywhere if
    it is wider than a line."""
    p = composed(text)
    for line in p.lines[:-1]:
        junction = p.junctions[line.end]
        if junction.kind != "join":
            continue
        before, after = p.atoms[line.end - 1], p.atoms[line.end]
        assert (before.text[-1] in "/@" or after.text[0] == "." or junction.end > 0 or before.alone), \
            (before.text, after.text)


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_last_line_keeps_two_characters(text: str) -> None:
    p = composed(text)
    if len(p.lines) > 1 and sum(not is_mark(ch) for ch in text if not ch.isspace()) >= 2:
        assert sum(not is_mark(ch) for ch in line_text(p, p.lines[-1])) >= 2


def test_pure_han_lines_need_no_spacing() -> None:
    p = composed("党群干部要树立一个为共产主义事业奉献终生的远大信念" * 6)
    assert all(line.fit.tracking == 0 for line in p.lines)
    assert [len(line.segments) for line in p.lines[:2]] == [36, 38]  # the first line indented by two


def test_a_line_end_mark_is_trimmed_and_costs_a_little_spacing() -> None:
    text = "一二三四五六七八九十" * 3 + "一二三四五六七，" + "一二三四五六七八九十" * 4  # ， is the 38th
    p = composed(text, indent=0)
    first = p.lines[0]
    assert line_text(p, first).endswith("，") and first.segments[-1].halt and first.segments[-1].width == 0.5
    assert 0 < first.fit.tracking <= c.TRACK_FREE  # half an em over 35 junctions


def test_adjacent_marks_take_one_and_a_half_em() -> None:
    p = composed("他说：“好。”然后")
    widths = {s.text: s.width for line in p.lines for s in line.segments}
    assert widths["："] == widths["。"] == 0.5 and widths["“"] == widths["”"] == 1


def test_opening_mark_at_a_line_start_is_trimmed() -> None:
    text = "一二三四五六七八九十" * 3 + "一二三四五六七八" + "“引文”" + "一二三四五六七八九十" * 3
    p = composed(text, indent=0)
    second = p.lines[1]
    assert second.segments[0].text == "“" and second.segments[0].halt and second.segments[0].width == 0.5


def test_the_han_latin_gap_is_the_same_with_or_without_a_source_space() -> None:
    with_space, without = composed("使用 Linux 内核"), composed("使用Linux内核")
    gaps = [[j.natural for j in p.junctions if j.kind == "gap"] for p in (with_space, without)]
    assert gaps[0] == gaps[1] == [c.GAP, c.GAP]


def test_a_space_beside_a_full_width_mark_is_no_hole() -> None:
    p = composed("设置变量。 EFI 分区")
    junction = p.junctions[[a.text for a in p.atoms].index("EFI")]
    assert junction.kind == "none" and junction.natural == 0


def test_numbers_times_and_options_are_never_broken() -> None:
    for token in ("11:59:01", "1000000", "--force", "[count=blocks]", "MD=1000000", "v2.0.1", "GDP"):
        atoms = c.atoms_of([c.Run(token)]).atoms
        assert len(atoms) == 1, (token, [a.text for a in atoms])


def test_where_words_may_break() -> None:
    assert set(c._word_breaks("bookworm").values()) == {"hyphen"}
    assert c._word_breaks("PostgreSQL") == {} and c._word_breaks("GRUB_CMDLINE") == {}
    assert c._word_breaks("/usr/share/doc/") == {5: "slash", 11: "slash"}
    assert c._word_breaks("user@lists.debian.org") == {5: "slash", 10: "dot", 17: "dot"}
    assert c._word_breaks("U.S.A.") == {} and c._word_breaks("3.14159") == {} and c._word_breaks("x86-64") == {}
    assert c._word_breaks("--dereference-command-line") == {}  # an option, never


def test_a_word_wider_than_a_line_breaks_anywhere_rather_than_run_off_the_page() -> None:
    p = composed("校验和是" + "0123456789abcdef" * 8 + "。", measure=30)
    assert len(p.lines) >= 3 and all(line.width <= 30 + 1e-6 for line in p.lines)


def test_a_run_of_marks_wider_than_a_line_breaks_too() -> None:
    for text in ("第一章" + "…" * 100 + "1", "？" * 200, "—" * 160):
        p = composed(text)
        assert all(line.width <= A4 + 1e-6 for line in p.lines), text[:5]


def test_a_line_that_cannot_be_justified_is_spaced_out_in_the_second_pass_only() -> None:
    # a first line followed by a long unbreakable token: no choice of breaks fills it within TRACK_MAX
    p = composed("另一个选择是在邮件列表中提问，方式是发送邮件到 " + "X" * 30 + " 邮件。")
    first = p.lines[0]
    assert first.fit.tracking > c.TRACK_MAX or not first.justified


def _first_fit(text: str, measure: float, indent: float) -> list[int]:
    """Each line as full as it can be at its natural width (what Pango does), ends as atom indexes."""
    parts = c.atoms_of([c.Run(text)])
    found = c.junctions_of(parts)
    sums = c._Sums.of(parts.atoms, found, indent)
    ends, a = [], 0
    while a < len(parts.atoms):
        b = a + 1
        for k in range(a + 1, len(parts.atoms) + 1):
            if found[k].breakable and sums.room(a, k).natural <= measure:
                b = k
            elif sums.room(a, k).natural > measure:
                break
        ends.append(b)
        a = b
    return ends


def _worst_tracking(text: str, ends: list[int], measure: float, indent: float) -> float:
    parts = c.atoms_of([c.Run(text)])
    found = c.junctions_of(parts)
    sums = c._Sums.of(parts.atoms, found, indent)
    worst, a = 0.0, 0
    for b in ends[:-1]:
        how = c.fit(sums.room(a, b), measure, last=False)
        worst = max(worst, math.inf if how.badness == math.inf else abs(how.tracking))
        a = b
    return worst


def test_total_fit_beats_first_fit() -> None:
    """On this paragraph (of the six-principles article), first-fit leaves a line ending '何时' with '做”' on the
    next, spaced out beyond what a reader accepts; total-fit sets every line at the natural pitch."""
    text = ("从事党群工作十余年来，一直在思考党群工作“做什么、为谁做、怎么做、何时做”的问题。在党的群众路线教育实践"
            "活动中，渐渐找到了正确答案。党群工作是党的一项集关键性与根本性、基础性与长远性工作，既是群众与党组织"
            "交流沟通的桥梁，又是党组织密切联系群众的纽带，也是发挥党组织先进性作用和热情服务基层的重要窗口。")
    greedy = _first_fit(text, A4, INDENT)
    best = [line.end for line in composed(text).lines]
    assert greedy != best and len(best) < len(greedy)
    assert _worst_tracking(text, greedy, A4, INDENT) > c.TRACK_FREE
    assert _worst_tracking(text, best, A4, INDENT) <= c.TRACK_FREE


def test_bold_runs_are_measured_in_the_bold_face() -> None:
    p = c.compose([c.Run("使用"), c.Run("Linux", bold=True), c.Run("内核")], A4, 0)
    word = next(s for line in p.lines for s in line.segments if s.kind == "word")
    assert word.bold and word.width == c.shaping.advance("Linux", True) != c.shaping.advance("Linux")


BLANKS = "第二题：我们要坚持（　　）、（　　），这是新时代的要求。" + "　" * 30 + "结束。"


def test_a_run_of_ideographic_spaces_is_one_blank_never_broken_inside() -> None:
    p = composed(BLANKS)
    blanks = [a for a in p.atoms if "　" in a.text]
    assert [a.text for a in blanks] == ["　　", "　　", "　" * 30]
    assert all(a.kind == "blank" and a.width == len(a.text) for a in blanks)


def test_a_line_ending_in_a_blank_is_ragged_and_the_blank_hangs() -> None:
    """Ideographic spaces at a line's end hang (CSS Text 3 §4.1.3; WeasyPrint gives them no width there): the
    line ends as a paragraph's last line does, its characters at their natural pitch."""
    p = composed(BLANKS)
    first = p.lines[0]
    assert line_text(p, first).endswith("要求。" + "　" * 30)
    assert first.segments[-1].width == 0 and first.fit == c.Fit()
    assert first.width == sum(s.width for s in first.segments) + INDENT  # no blank, no spacing
    assert line_text(p, p.lines[1]) == "结束。"


def test_a_blank_wider_than_a_line_is_set_not_refused() -> None:
    p = composed("填空" + "　" * 100 + "。", 12, 0)
    assert "".join(line_text(p, line) for line in p.lines) == "填空" + "　" * 100 + "。"


def test_a_word_as_long_as_a_paragraph_may_be_composes_in_linear_time():
    """A 20,000-letter lower-case word has 3,000 hyphenation points; measured as prefixes of the word it took 41 s
    (and 43 s of the worst admitted build), measured piece by piece after a few letters of context 0.33 s. That the
    pieces are as wide as WeasyPrint draws them is the layout check's to say, in every build of the suite."""
    word = ("pneumonoultramicroscopicsilicovolcanoconiosis" * 500)[:20_000]
    started = time.process_time()
    paragraph = c.compose([c.Run(word)], 38, 2)
    assert time.process_time() - started < 10
    assert "".join(s.text for line in paragraph.lines for s in line.segments).replace("-", "") == word


def test_a_combining_mark_stays_with_its_base():
    """An ideographic tone mark after a digit or a Han character is in the same text node as its base: alone,
    Pango draws it on a dotted circle 1 em wide and the line no longer ends where it was composed (found by the
    fuzzer)."""
    for text in ("0〪", "中〪文", "pi\u0304n"):
        paragraph = c.compose([c.Run(text)], 38, 2)
        assert not any(unicodedata.category(a.text[0]) in ("Mn", "Me", "Mc") for a in paragraph.atoms), text
