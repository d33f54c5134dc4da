"""Source lint: --lint reports Chinese punctuation problems as path:line:column; --fix rewrites only them."""

from __future__ import annotations

import codecs
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import MINIMAL_SOURCE, run_build
from hypothesis import given, settings
from hypothesis import strategies as st

from studyprint import ROOT, fonts, lint, punctuation
from studyprint.errors import UserError
from studyprint.lint import fix_text

UNICODE_DATA = Path("/usr/share/unicode")

BAD = """\
# comment, with half-width marks: kept as it is.
title: 测试,标题   # trailing comment, kept.
authors:
  - name: "张三 李四"
sections:
  - heading: 'GDP(国内生产总值)'
    paragraphs:
      - 他说:"我们要努力."好吗?是的!当然(括号)。。还有...省略，，“混合"引号。数字3.14和10:30。
      - |
        块文本,这里 有空格。
      - English, with (brackets): fine. 3.14!
"""

FIXED = """\
# comment, with half-width marks: kept as it is.
title: 测试，标题   # trailing comment, kept.
authors:
  - name: "张三李四"
sections:
  - heading: 'GDP（国内生产总值）'
    paragraphs:
      - 他说：“我们要努力。”好吗？是的！当然（括号）。还有……省略，“混合”引号。数字3.14和10:30。
      - |
        块文本，这里有空格。
      - English, with (brackets): fine. 3.14!
"""


def write(tmp_path: Path, text: str, name: str = "a.yaml", prefix: bytes = b"") -> Path:
    path = tmp_path / name
    path.write_bytes(prefix + text.encode("utf-8"))
    return path


def test_lint_reports_each_problem_with_its_position(tmp_path: Path) -> None:
    path = write(tmp_path, BAD)
    result = run_build("--lint", path)
    assert result.code == 1
    lines = result.err.splitlines()
    shown = str(path)
    assert f"{shown}:2:10: half-width ',' next to a Chinese character; use '，'" in lines
    assert f"{shown}:4:14: space between two Chinese characters" in lines
    assert f"{shown}:6:18: half-width '(' in Chinese text; use '（'" in lines
    assert f"{shown}:8:12: half-width quote in Chinese text; use '“'" in lines
    assert any(line.startswith(f"{shown}:8:") and "repeated mark '。。'; use '。'" in line for line in lines)
    assert any(line.startswith(f"{shown}:10:") for line in lines)  # inside a block scalar
    assert not any(line.startswith((f"{shown}:1:", f"{shown}:11:")) for line in lines)  # comments, English
    assert path.read_text(encoding="utf-8") == BAD  # --lint never writes


def test_fix_rewrites_only_the_problems(tmp_path: Path) -> None:
    path = write(tmp_path, BAD)
    result = run_build("--fix", path)
    assert result.code == 0, result.err
    assert "fixed" in result.out
    assert path.read_text(encoding="utf-8") == FIXED
    assert run_build("--lint", path).code == 0


def test_fix_keeps_bom_and_crlf_byte_for_byte(tmp_path: Path) -> None:
    path = write(tmp_path, BAD.replace("\n", "\r\n"), prefix=codecs.BOM_UTF8)
    assert run_build("--fix", path).code == 0
    assert path.read_bytes() == codecs.BOM_UTF8 + FIXED.replace("\n", "\r\n").encode("utf-8")


def test_fix_leaves_no_temp_file_and_a_clean_file_untouched(tmp_path: Path) -> None:
    path = write(tmp_path, FIXED)
    before = path.stat().st_mtime_ns
    result = run_build("--fix", path)
    assert result.code == 0 and "no punctuation problems" in result.out
    assert path.stat().st_mtime_ns == before
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]


def test_escaped_quote_in_a_double_quoted_string_is_fixed_in_place_of_its_escape(tmp_path: Path) -> None:
    text = 'title: "他说\\"好\\"" # comment\nauthors:\n  - name: 甲\nsections: []\n'
    path = write(tmp_path, text)
    assert "half-width quote" in run_build("--lint", path).err
    assert run_build("--fix", path).code == 0
    assert path.read_text(encoding="utf-8") == text.replace('\\"好\\"', "“好”")


def test_broken_yaml_is_a_user_error_not_a_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, "title: [unclosed\n")
    result = run_build("--lint", path)
    assert result.code == 1 and "YAML syntax error" in result.err


def test_decimal_point_and_times_are_not_flagged() -> None:
    text = "title: 圆周率约为3.14，会议在10:30开始。\n"
    assert lint.findings(text, "t.yaml") == []


def test_fix_result_is_still_the_same_yaml_structure(tmp_path: Path) -> None:
    import yaml

    path = write(tmp_path, BAD)
    run_build("--fix", path)
    before, after = yaml.safe_load(BAD), yaml.safe_load(path.read_text(encoding="utf-8"))
    assert before.keys() == after.keys()
    assert len(before["sections"][0]["paragraphs"]) == len(after["sections"][0]["paragraphs"])


# ---- the text rules (punctuation.fix_text), each with an exact expectation ----------------------------------

NEVER_DAMAGED = [  # issue 9: what --fix used to damage; each text is correct as it is
    "1.加强学习",
    "A.树立远大信念",
    "(1)加强学习",
    "要求如下：1.加强学习",
    "请把工作方案.docx发给我。",
    "见《实施细则.pdf》。",
    "U.S.A.的经济，e.g.这样。",
    "使用.NET框架开发。",
    "访问https://example.com/guide/index.html了解。",
    "乔布斯说：“Stay hungry, stay foolish.”",
    "见https://zh.wikipedia.org/wiki/Foo_(bar)。",
    "参见[说明](https://example.com/doc)。",
    "设置GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"即可。",
    "参见grub-install(8)。",
    "使用 --force 参数，或者 dd bs=bytes 这样写。",
    "发邮件到 study@example.com，或者看 /etc/default/grub 和 v2.3.1 版本。",
    "他说：“I can't do it.”",
    "不要忽略以点号（“.”）起始的条目",
    "中文……中文——中文",
]


@pytest.mark.parametrize("text", NEVER_DAMAGED)
def test_code_numbering_and_english_are_never_damaged(text: str) -> None:
    assert fix_text(text) == text


FIXES = [
    # (written, fixed): the damage examples, then one example for each rule
    ('他说"我听到“你好”了"', "他说“我听到‘你好’了”"),  # a nested quote is ‘’ in simplified Chinese
    ("中文。。。中文", "中文……中文"),  # an ellipsis written with 。, not a doubled stop
    ('他说"I can\'t do it."', "他说“I can't do it.”"),  # the quotes are Chinese, the sentence stays English
    ("刚刚买了一部 iPhone ，好开心！", "刚刚买了一部 iPhone，好开心！"),  # no space beside a full-width mark
    ("设置变量。 EFI 变量", "设置变量。EFI 变量"),
    ("他说'好'。", "他说‘好’。"),  # half-width single quotes
    ("这个蛋糕只卖１０００元，ＣＢＤ。", "这个蛋糕只卖1000元，CBD。"),  # full-width digits and letters
    ("德国队战胜了巴西队！！", "德国队战胜了巴西队！"),  # repeated marks
    ("她竟然说“喵”？？！！", "她竟然说“喵”？！"),
    ("等等...还有…以及。。。", "等等……还有……以及……"),  # ellipsis forms
    ("他来了--我走了—你呢－－", "他来了——我走了——你呢——"),  # dash forms
    ("”中文“", "“中文”"),  # reversed quotes
    ("“中文“和“英文“", "“中文”和“英文”"),  # quotes that only balance taken in turn
    ("这是 一段", "这是一段"),  # a space between two Chinese characters
    ("他说:好,是的;对吗?对!", "他说：好，是的；对吗？对！"),
    ("核磁共振成像(NMRI)是什么?JFGI!", "核磁共振成像（NMRI）是什么？JFGI！"),
    ("都在使用Rust.", "都在使用Rust。"),  # one Latin word ending a Chinese sentence
    ("乔布斯说：「Stay hungry，stay foolish。」", "乔布斯说：「Stay hungry, stay foolish.」"),  # English keeps English
]


@pytest.mark.parametrize(("written", "fixed"), FIXES)
def test_each_rule_fixes_to_the_exact_text(written: str, fixed: str) -> None:
    assert fix_text(written) == fixed
    assert fix_text(fixed) == fixed


def test_an_unmatched_quote_is_reported_not_guessed() -> None:
    found = punctuation.edits("他说“好，然后走了。”还有”")
    assert [(e.new, e.message) for e in found] == [(None, "quote '”' has no partner; check the quotes around it")]
    assert fix_text("“第一段的引文，") == "“第一段的引文，"  # a quotation of several paragraphs opens each one


TEXT_PIECES = st.sampled_from(
    list("中文字，。、；：？！…—“”‘’（）《》「」") + list("abXs019") + list(",.;:?!()\"'-[]=/#")
    + [" ", "\t", "\n", "\n\n", "...", "--", "——", "１２", "Ａ", "https://a.cn/x.html", "e.g.", "U.S.A.", ".NET",
       "--force", "bs=bytes", "a@b.cn", "file.txt", "1.", "(1)", "`x`", "\u3000", "3.14", "can't", "users' "])


@settings(max_examples=400, deadline=None)
@given(st.lists(TEXT_PIECES, max_size=16).map("".join))
def test_fixing_twice_changes_nothing_more(text: str) -> None:
    once = fix_text(text)
    assert fix_text(once) == once


# ---- the file: YAML quoting and folding, glyphs, file modes and links --------------------------------------

def test_a_paragraph_split_by_yaml_line_folding_is_joined(tmp_path: Path) -> None:
    text = "title: 标题\nintro:\n  - 这是一段很长的文字\n    继续写完。 然后\n    下一句。\n"
    path = write(tmp_path, text)
    assert run_build("--fix", path).code == 0
    assert path.read_text(encoding="utf-8") == "title: 标题\nintro:\n  - 这是一段很长的文字继续写完。然后下一句。\n"


def test_every_quoting_style_is_fixed_in_place(tmp_path: Path) -> None:
    text = ("a: '他''说''好,是'   # single\nb: \"他\\u8bf4,\\\"好\\\"\"\nc: |\n  块文本,这里\n  有空格。\n"
            "d: >\n  折叠,文本\n  继续\n")
    path = write(tmp_path, text)
    assert run_build("--fix", path).code == 0
    after = path.read_text(encoding="utf-8")
    assert after == ("a: '他‘说’好，是'   # single\nb: \"他\\u8bf4，“好”\"\nc: |\n  块文本，这里有空格。\n"
                     "d: >\n  折叠，文本继续\n")
    assert yaml.safe_load(after) == {k: fix_text(v) for k, v in yaml.safe_load(text).items()}


def test_no_glyph_message_names_a_standard_form(tmp_path: Path) -> None:
    path = write(tmp_path, "title: 一茍不⼀\n")
    result = run_build("--lint", path)
    assert f"{path}:1:9: '茍' (U+830D) has no glyph in the fonts; did you mean '苟' (U+82DF)?" in result.err
    assert f"{path}:1:11: '⼀' (U+2F00) has no glyph in the fonts; did you mean '一' (U+4E00)?" in result.err


def test_fix_applies_only_the_nfkc_form(tmp_path: Path) -> None:
    path = write(tmp_path, "title: 一茍不⼀\n")
    result = run_build("--fix", path)
    assert path.read_text(encoding="utf-8") == "title: 一茍不一\n"  # the Kangxi radical; 茍 is only a suggestion
    assert result.code == 1 and "did you mean '苟' (U+82DF)?" in result.err


def test_the_build_names_the_standard_form_too(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL_SOURCE.replace("正文。", "正文茍。"))
    result = run_build("--check", path)
    assert result.err == f"{path}:7:11: '茍' (U+830D) has no glyph in the fonts; did you mean '苟' (U+82DF)?\n"


def test_fix_keeps_the_file_mode(tmp_path: Path) -> None:
    path = write(tmp_path, BAD)
    path.chmod(0o600)
    assert run_build("--fix", path).code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text(encoding="utf-8") == FIXED


def test_fix_writes_through_a_symlink_to_its_target(tmp_path: Path) -> None:
    target = write(tmp_path, BAD, name="real.yaml")
    link = tmp_path / "a.yaml"
    link.symlink_to("real.yaml")
    assert run_build("--fix", link).code == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8") == FIXED


def test_fix_refuses_a_symlink_out_of_its_folder(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    target = write(tmp_path / "elsewhere", BAD)
    (tmp_path / "src").mkdir()
    link = tmp_path / "src" / "a.yaml"
    link.symlink_to(target)
    result = run_build("--fix", link)
    assert result.code == 1 and "outside its folder" in result.err
    assert target.read_text(encoding="utf-8") == BAD


def test_fix_keeps_hard_links_by_writing_in_place(tmp_path: Path) -> None:
    path = write(tmp_path, BAD)
    other = tmp_path / "b.yaml"
    os.link(path, other)
    inode = path.stat().st_ino
    assert run_build("--fix", path).code == 0
    assert path.stat().st_ino == inode and other.read_text(encoding="utf-8") == FIXED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.yaml"]  # no backup left


def test_fix_refuses_a_read_only_file(tmp_path: Path) -> None:
    path = write(tmp_path, BAD)
    path.chmod(0o444)
    result = run_build("--fix", path)
    assert result.code == 1
    assert (f"{path}: the file is read-only, so it was not fixed; make it writable (chmod u+w {path}) to fix it"
            in result.err.splitlines())
    assert f"{path}:2:10: half-width ',' next to a Chinese character; use '，'" in result.err.splitlines()
    assert path.read_text(encoding="utf-8") == BAD


@pytest.mark.parametrize("option", ["--lint", "--fix"])
def test_every_source_is_checked_after_a_broken_one(tmp_path: Path, option: str) -> None:
    broken = write(tmp_path, "title: [unclosed\n", name="a.yaml")
    second = write(tmp_path, "title: 标题,好\n", name="b.yaml")
    missing = tmp_path / "c.yaml"
    result = run_build(option, broken, second, missing)
    assert result.code == 1
    assert f"{broken}:2:1: YAML syntax error" in result.err
    assert f"{missing}: cannot read the file: No such file or directory" in result.err
    if option == "--lint":
        assert f"{second}:1:10: half-width ',' next to a Chinese character; use '，'" in result.err
    else:
        assert second.read_text(encoding="utf-8") == "title: 标题，好\n"


def test_lint_does_not_import_weasyprint() -> None:
    code = "import studyprint.lint, sys; assert 'weasyprint' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True).returncode == 0


@pytest.mark.skipif(not (UNICODE_DATA / "Unihan_Variants.txt.bz2").exists(),
                    reason="Debian's unicode-data is not installed")
def test_the_variants_table_is_what_its_script_makes_from_unihan() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_variants

    rows = make_variants.table(make_variants.read_variants(UNICODE_DATA), fonts.covered())
    shipped = fonts.VARIANTS.read_text(encoding="utf-8").splitlines()[1:]
    assert shipped == ["\t".join(row) for row in rows]


def test_a_fix_that_would_change_the_yaml_is_reported_not_made(tmp_path: Path) -> None:
    path = write(tmp_path, "title: Said：Come and，Join us！\nsubtitle: 中文,好\n")
    result = run_build("--fix", path)
    assert result.code == 1
    assert path.read_text(encoding="utf-8") == "title: Said：Come and，Join us！\nsubtitle: 中文，好\n"
    assert (f"{path}:1:12: full-width '：' in an English sentence; use ':' (not fixed: in this YAML text the fix "
            "would change more than the mark; put the text in quotes)") in result.err.splitlines()


STYLES = {  # a text written as a YAML value in each style, indented under a key
    "plain": lambda t: t,
    "single": lambda t: "'" + t.replace("'", "''") + "'",
    "double": lambda t: json.dumps(t, ensure_ascii=False),
    "folded line": lambda t: t.replace(" ", "\n    ", 1),
    "literal block": lambda t: "|\n    " + t.replace(" ", "\n    ", 1),
    "folded block": lambda t: ">\n    " + t.replace(" ", "\n    ", 1),
}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(sorted(STYLES)), st.lists(TEXT_PIECES, min_size=1, max_size=10)
                          .map("".join)), min_size=1, max_size=3))
def test_fix_in_a_file_gives_the_fixed_values_or_leaves_them(tmp_path_factory: pytest.TempPathFactory,
                                                              values: list[tuple[str, str]]) -> None:
    document = "".join(f"k{i}: {STYLES[style](text)}\n" for i, (style, text) in enumerate(values))
    try:
        before = yaml.safe_load(document)
    except yaml.YAMLError:
        return  # not a document these styles can write (a plain text starting with a mark, say)
    path = tmp_path_factory.mktemp("fix") / "a.yaml"
    path.write_text(document, encoding="utf-8")
    try:
        lint.fix(path, "a.yaml")
    except UserError:
        return  # reported as it is
    after = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert list(after) == list(before)
    for key, value in before.items():
        assert after[key] in (value, fix_text(value) if isinstance(value, str) else value)
    assert lint.fix(path, "a.yaml")[0] == 0
