"""Source lint: --lint reports Chinese punctuation problems as path:line:column; --fix rewrites only them."""

from __future__ import annotations

import codecs
from pathlib import Path

from conftest import run_build

from studyprint import lint

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
