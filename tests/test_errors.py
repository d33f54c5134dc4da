"""Bad input (issue 5): every mistake an office user makes in a source gets one exact message with its
position, exit status 1, and no output at all."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import tracemalloc
from pathlib import Path

import pytest
from conftest import MINIMAL_SOURCE as GOOD
from conftest import run_build

from studyprint import load, model
from studyprint.errors import UserError


def write(tmp_path: Path, content: str | bytes, name: str = "x.yaml") -> Path:
    src = tmp_path / name
    if isinstance(content, str):
        src.write_text(content, encoding="utf-8", newline="")
    else:
        src.write_bytes(content)
    return src


def refused(tmp_path: Path, content: str | bytes, *messages: str) -> None:
    """Building content exits 1 with exactly these messages (each after 'path:') and writes nothing."""
    src = write(tmp_path, content)
    out = tmp_path / "out"
    result = run_build(src, "--out", out)
    assert result.err.splitlines() == [f"{src}:{m}" for m in messages]
    assert result.code == 1
    assert not out.exists()


def builds(tmp_path: Path, content: str | bytes) -> Path:
    src = write(tmp_path, content)
    out = tmp_path / "out"
    result = run_build(src, "--out", out, "-q")
    assert (result.code, result.err) == (0, "")
    assert sorted(p.name for p in out.iterdir()) == ["x-handout.pdf", "x-poster.pdf"]
    return out


# --- YAML -------------------------------------------------------------------------------------------------


def test_syntax_error_has_position_and_the_parsers_reason(tmp_path):
    refused(tmp_path, GOOD.replace("title: 标题", "title: [标题"),
            "2:8: YAML syntax error: expected ',' or ']', but got ':' "
            "(while parsing a flow sequence that starts at line 1, column 8)")


def test_unclosed_quote(tmp_path):
    refused(tmp_path, "title: '标题\nauthors: x\n",
            "3:1: YAML syntax error: found unexpected end of stream "
            "(while scanning a quoted scalar that starts at line 1, column 8); is a closing quote missing?")


def test_colon_inside_plain_text(tmp_path):
    refused(tmp_path, GOOD.replace("title: 标题", "title: 标题: 副标题"),
            "1:10: YAML syntax error: mapping values are not allowed here; text containing ': ' must be quoted, "
            "or use the full-width '：'")


def test_tab_indentation(tmp_path):
    refused(tmp_path, GOOD.replace("  - name", "\t- name"),
            "3:1: YAML syntax error: found character '\\t' that cannot start any token "
            "(while scanning for the next token); indent with spaces, not tabs")


@pytest.mark.parametrize("content", ["", "\n\n", "# 只有注释\n", "---\n"])
def test_empty_file(tmp_path, content):
    refused(tmp_path, content, "1:1: the file is empty; a source needs at least 'title', 'authors' and 'sections'")


def test_file_that_is_a_list(tmp_path):
    refused(tmp_path, "- 标题\n- 正文\n",
            "1:1: a source must be a mapping of keys (title:, authors:, sections:), not a list")


def test_file_that_is_a_scalar_is_refused_without_echoing_it(tmp_path):
    """A file that is no source (a token, a key given by mistake) is not echoed into a CI log."""
    refused(tmp_path, "ghp_SECRETTOKEN12345abcdef\n",
            "1:1: a source must be a mapping of keys (title:, authors:, sections:), not a text")


def test_duplicate_keys_are_detected_not_silently_overwritten(tmp_path):
    text = GOOD.replace("  - name: 作者", "  - name: 作者\n    name: 另一位") + "title: 又一个标题\n"
    refused(tmp_path, text,
            "4:5: duplicate key 'name' (first given on line 3)",
            "9:1: duplicate key 'title' (first given on line 1)")


def test_a_key_that_is_a_list(tmp_path):
    refused(tmp_path, GOOD + "? [a, b]\n: c\n", "8:3: a key must be plain text, not a list or a mapping")


def test_billion_laughs_is_refused_quickly_with_bounded_memory(tmp_path):
    lines = ['lol0: &lol0 "哈哈哈哈哈哈哈哈哈哈"']
    lines += [f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 10)}]" for i in range(1, 10)]
    text = GOOD + "\n".join(lines) + "\n"
    tracemalloc.start()
    started = time.process_time()  # CPU time (here and below): what other work on the machine takes does not count
    refused(tmp_path, text, "8:7: anchors (&lol0) are not allowed in a source")
    elapsed = time.process_time() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 2
    assert peak < 20_000_000


def test_an_alias_without_an_anchor_is_refused(tmp_path):
    refused(tmp_path, GOOD.replace("title: 标题", "title: *t"),  # an alias, or a text meant to start with '*'
            "1:8: a text starting with '*' must be quoted: YAML reads '*' as an alias; write title: '*t' "
            "(**emphasis** at the start of a text needs the quotes too)")


def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path):
    refused(tmp_path, "title: " + "[" * 100_000 + "]" * 100_000 + "\n",
            "1:27: lists and mappings are nested more than 20 deep")


def test_a_10_mb_file_is_refused_by_size_without_being_parsed(tmp_path):
    text = GOOD + "intro:\n" + ("  - " + "正文" * 50 + "\n") * 35_000
    assert len(text.encode()) > 10_000_000
    started = time.process_time()
    refused(tmp_path, text, f" the file is {len(text.encode()):,} bytes; a source may be at most 1,000,000 bytes")
    assert time.process_time() - started < 2


def test_a_paragraph_of_200000_characters_is_a_clear_limit_error(tmp_path):
    refused(tmp_path, GOOD.replace("正文。", "正" * 200_000),
            "7:9: text too long: 200,000 characters in 'paragraphs'; the limit is 20,000 per text "
            "(split it into paragraphs)")


def test_the_total_text_limit(tmp_path):
    paragraph = "正" * model.MAX_TEXT_CHARS
    text = GOOD + "intro:\n" + f"  - {paragraph}\n" * 16
    refused(tmp_path, text, "1:1: the source has 320,013 characters of text; the limit is 300,000 "
                            "(split it into several sources)")


def test_a_paragraph_at_the_limit_builds(tmp_path):
    text = GOOD.replace("正文。", "正文。" * (model.MAX_TEXT_CHARS // 3))
    out = tmp_path / "out"
    src = write(tmp_path, text)
    result = run_build(src, "--out", out, "--only", "handout", "-q")
    assert (result.code, result.err) == (0, "")
    assert (out / "x-handout.pdf").stat().st_size > 10_000


def test_problems_are_capped_per_source(tmp_path):
    started = time.process_time()
    src = write(tmp_path, GOOD.replace("正文。", "🙂" * model.MAX_TEXT_CHARS))
    result = run_build(src, "--out", tmp_path / "out")
    lines = result.err.splitlines()
    assert result.code == 1
    assert lines[0] == f"{src}:7:9: '🙂' (U+1F642) has no glyph in the fonts"
    assert lines[99] == f"{src}:7:108: '🙂' (U+1F642) has no glyph in the fonts"
    assert lines[100:] == [f"{src}: ... and 19,900 more problems"]
    assert time.process_time() - started < 5  # positions of 20 000 bad characters in linear time
    assert not (tmp_path / "out").exists()


# --- Encoding ---------------------------------------------------------------------------------------------


def test_utf8_with_bom_builds(tmp_path):
    builds(tmp_path, GOOD.encode("utf-8-sig"))


def test_positions_in_a_file_with_a_bom_are_not_shifted(tmp_path):
    refused(tmp_path, GOOD.replace("正文。", "正文🙂").encode("utf-8-sig"),
            "7:11: '🙂' (U+1F642) has no glyph in the fonts")


@pytest.mark.parametrize(("codec", "named"), [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16LE"),
                                               ("utf-16-be", "UTF-16BE"), ("utf-32", "UTF-32")])
def test_utf16_is_refused_with_how_to_convert(tmp_path, codec, named):
    src = tmp_path / "x.yaml"
    refused(tmp_path, GOOD.encode(codec),
            f" the file looks like {named}, not UTF-8; convert it with "
            f"`iconv -f {named} -t UTF-8 {src} > converted.yaml`, or in Notepad use Save As with encoding UTF-8")


@pytest.mark.parametrize(("codec", "named", "extra"), [("gbk", "GBK", ""), ("gb18030", "GB18030", "㐀")])
def test_gbk_is_refused_with_how_to_convert(tmp_path, codec, named, extra):
    src = tmp_path / "x.yaml"
    refused(tmp_path, GOOD.replace("正文", "正文" + extra).encode(codec),
            f"1:8: the file looks like {named}, not UTF-8; convert it with "
            f"`iconv -f {named} -t UTF-8 {src} > converted.yaml`, or in Notepad use Save As with encoding UTF-8")


TRADITIONAL = (GOOD.replace("标题", "標題").replace("作者", "李先波").replace("树立远大信念", "樹立遠大信念")
               .replace("正文", "黨群幹部的素質與學養高低，直接決定著黨組織的威信和形象"))
JAPANESE = (GOOD.replace("标题", "見出し").replace("作者", "山田").replace("树立远大信念", "学習の進め方")
            .replace("正文", "党の組織は、学習会の資料を印刷します"))


@pytest.mark.parametrize(("text", "codec", "named"),
                         [(TRADITIONAL, "big5", "BIG5"), (JAPANESE, "shift_jis", "SHIFT_JIS")])
def test_other_legacy_encodings_are_named_not_taken_for_gbk(tmp_path, text, codec, named):
    src = tmp_path / "x.yaml"
    refused(tmp_path, text.encode(codec),
            f"1:{text.index(text.split()[1]) + 1}: the file looks like {named}, not UTF-8; convert it with "
            f"`iconv -f {named} -t UTF-8 {src} > converted.yaml`, or in Notepad use Save As with encoding UTF-8")


def test_utf8_with_a_damaged_byte_is_not_taken_for_another_encoding(tmp_path):
    data = GOOD.encode().replace("正文".encode(), "正文".encode() + b"\xb5\xb3")
    refused(tmp_path, data, "7:11: invalid UTF-8 at byte offset 112 (byte 0xb5); save the file as UTF-8")


@pytest.mark.skipif(shutil.which("iconv") is None, reason="no iconv")
@pytest.mark.parametrize(("text", "codec"), [(GOOD, "gbk"), (GOOD, "utf-16"), (GOOD, "utf-16-le"),
                                             (TRADITIONAL, "big5"), (JAPANESE, "shift_jis")])
def test_the_suggested_iconv_command_works(tmp_path, text, codec):
    src = write(tmp_path, text.encode(codec))
    result = run_build(src, "--check")
    command = result.err.split("`")[1]
    assert command.startswith("iconv -f ")
    subprocess.run(command, shell=True, cwd=tmp_path, check=True)
    assert (tmp_path / "converted.yaml").read_text(encoding="utf-8") == text


def test_invalid_utf8_names_byte_offset_and_line(tmp_path):
    data = GOOD.encode().replace("正文".encode(), "正文".encode()[:4])  # 文 cut after its first byte
    refused(tmp_path, data, "7:10: invalid UTF-8 at byte offset 109 (byte 0xe6); save the file as UTF-8")


def test_latin1_is_named_windows_1252_not_gbk(tmp_path):
    src = tmp_path / "x.yaml"
    refused(tmp_path, GOOD.replace("作者", "José").encode("latin-1", errors="ignore"),
            "3:14: the file looks like WINDOWS-1252, not UTF-8; convert it with "
            f"`iconv -f WINDOWS-1252 -t UTF-8 {src} > converted.yaml`, or in Notepad use Save As with encoding UTF-8")


def test_a_binary_file_is_not_a_text_file(tmp_path):
    refused(tmp_path, b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)),
            "1:6: the file contains a NUL byte (byte offset 5): it is not a text file; "
            "a source is a YAML text file saved as UTF-8")


# --- Content ----------------------------------------------------------------------------------------------


def test_control_character_in_the_file_has_a_position(tmp_path):
    refused(tmp_path, GOOD.replace("正文。", "正\x01文"), "7:10: control character U+0001 is not allowed in a source")


def test_escaped_control_character_and_surrogate_have_a_position(tmp_path):
    refused(tmp_path, GOOD.replace("正文。", '"正\\x07文\\ud800"'),
            "7:9: control character U+0007 is not allowed in text",
            "7:9: unpaired surrogate U+D800 is not allowed in text (write the character itself, not a \\u escape)")


def test_escaped_surrogate_pair_is_refused(tmp_path):
    refused(tmp_path, GOOD.replace("title: 标题", 'title: "\\ud83d\\ude00"'),
            "1:8: unpaired surrogate U+D83D is not allowed in text (write the character itself, not a \\u escape)",
            "1:8: unpaired surrogate U+DE00 is not allowed in text (write the character itself, not a \\u escape)")


@pytest.mark.parametrize(("brk", "message"), [
    ("\r", "1:10: a carriage return (U+000D) without a line feed (old Mac line endings); save the file with "
           "Windows or Unix line endings"),
    ("\u2028", "1:10: line separator U+2028 is not allowed in a source; use an ordinary line break"),
    ("\x85", "1:10: next-line character U+0085 is not allowed in a source; use an ordinary line break"),
])
def test_line_breaks_yaml_counts_but_editors_do_not(tmp_path, brk, message):
    refused(tmp_path, GOOD.replace("\n", brk, 1), message)


def test_windows_line_endings_build(tmp_path):
    builds(tmp_path, GOOD.replace("\n", "\r\n").encode("utf-8-sig"))


def test_no_glyph_is_an_error_with_position_before_any_layout(tmp_path):
    started = time.process_time()
    refused(tmp_path, GOOD.replace("正文。", "正文\u200b。🀄"),
            "7:11: the invisible character U+200B (ZERO WIDTH SPACE) has no glyph in the fonts",
            "7:13: '🀄' (U+1F004) has no glyph in the fonts")
    assert time.process_time() - started < 2


# --- Paths ------------------------------------------------------------------------------------------------


def test_source_outside_source_folder_and_new_nested_output_folder(tmp_path, monkeypatch):
    elsewhere = tmp_path / "共享文件夹" / "x.yaml"
    elsewhere.parent.mkdir()
    elsewhere.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "a" / "b" / "c"
    monkeypatch.chdir(tmp_path / "共享文件夹")
    result = run_build("x.yaml", "--out", out)
    assert result.code == 0, result.err
    assert result.out.splitlines() == [f"{out}/x-handout.pdf  1 page(s)", f"{out}/x-poster.pdf  1 page(s)"]


def test_output_folder_that_is_a_file(tmp_path):
    src = write(tmp_path, GOOD)
    out = tmp_path / "out"
    out.write_text("not a folder")
    result = run_build(src, "--out", out)
    assert (result.code, result.err) == (1, f"{out}: the output folder is a file, not a folder\n")
    assert out.read_text() == "not a folder"


def test_output_folder_below_a_file(tmp_path):
    src = write(tmp_path, GOOD)
    (tmp_path / "file").write_text("")
    result = run_build(src, "--out", tmp_path / "file" / "out")
    assert (result.code, result.err) == (1, f"{tmp_path}/file/out: cannot create the output folder: Not a directory\n")


def test_unwritable_output_folder(tmp_path, read_only_folder):
    src = write(tmp_path, GOOD)
    result = run_build(src, "--out", read_only_folder)
    target = read_only_folder / "x-handout.pdf"
    reason = "Read-only file system" if os.geteuid() == 0 else "Permission denied"
    assert result.err == f"{target}: cannot write: {reason} (the output folder {read_only_folder} is not writable)\n"
    assert result.code == 1
    assert list(read_only_folder.iterdir()) == []


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder nobody can write into: chmod for a normal user; for root (who ignores modes) a read-only tmpfs."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("root cannot mount a read-only tmpfs here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_colliding_outputs_are_an_error_before_anything_is_read_or_written(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write(tmp_path / "a", GOOD)
    second = write(tmp_path / "b", GOOD)
    third = write(tmp_path / "b", "not even: [valid", name="X.yaml")
    out = tmp_path / "out"
    result = run_build(first, second, third, first, "--out", out)
    assert result.err.splitlines() == [
        f"{second}: its outputs would overwrite those of {first} (same file name); rename one of them",
        f"{third}: its outputs would overwrite those of {first} (same file name); rename one of them",
        f"{first}: the same source is given twice",
    ]
    assert result.code == 1
    assert not out.exists()


def test_missing_source_folder_source_and_fifo(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    out = tmp_path / "out"
    result = run_build(tmp_path / "missing.yaml", tmp_path, fifo, "--out", out)  # a FIFO must not hang
    assert result.err.splitlines() == [
        f"{tmp_path}/missing.yaml: cannot read the file: No such file or directory",
        f"{tmp_path}: is a folder, not a source file",
        f"{fifo}: is not a regular file",
    ]
    assert result.code == 1
    assert not out.exists()


def test_symlink_loop_as_a_source(tmp_path):
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    result = run_build(loop, "--out", tmp_path / "out")
    assert (result.code, result.err) == (1, f"{loop}: cannot read the file: Too many levels of symbolic links\n")


@pytest.mark.parametrize("data", [b"\xff\xfe", b"\xfe\xff\x00", b"\x00", b"\xef\xbb\xbf", b"\xef\xbb",
                                  b"\x1b[31m", b"\xc0\x80", b"\xed\xa0\x80", b"\t", b"{", b"]", b"? ? ?"])
def test_odd_bytes_are_a_user_error(data):
    with pytest.raises(UserError) as e:
        load.compose(load.decode(data, "x"), "x")
    assert all(str(p).startswith("x:") for p in e.value.problems)


def test_echoed_keys_and_values_stay_on_one_line_and_cannot_drive_the_terminal(tmp_path):
    text = GOOD.replace("title: 标题", 'title: 标题\n"\\e[2J\\ntitle\\u202e": 1\nsections: "a\\u2028b"', 1)
    text = text.replace("sections:\n  - heading", "more:\n  - heading")
    refused(tmp_path, text,
            "2:1: unknown key '\\x1b[2J\\ntitle\\u202e'; did you mean 'title'?",
            "3:11: 'sections' must be a list (lines starting with '- '), not the text 'a\\u2028b'",
            "6:1: unknown key 'more'; expected one of: title, subtitle, authors, date, lang, intro, sections, "
            "editor, poster, subject, keywords")


def test_a_file_name_with_a_line_break(tmp_path):
    src = write(tmp_path, "title: [", name="a\nb.yaml")
    result = run_build(src, "--check")
    assert (result.code, result.err) == (1, f"{tmp_path}/a\\nb.yaml:1:9: a text starting with '[' must be quoted: "
                                            "YAML reads '[' as a list; write title: '['\n")


def test_paragraphs_past_the_limit_are_refused_at_the_first_one_over_and_quickly(tmp_path):
    """80,000 one-character paragraphs took 298 s and 4 GB; 5,000 build in about 7 s (scripts/limits_bench.py)."""
    started = time.process_time()
    refused(tmp_path, GOOD + "      - 中\n" * 80_000,
            f"{7 + model.MAX_BODY_TEXTS}:9: a source may have at most 5,000 paragraphs, list items and signature "
            "lines; this is one more (split the source into several)")
    assert time.process_time() - started < 5


def test_list_items_count_as_paragraphs(tmp_path):
    items = "".join(f"          - 第{i}条\n" for i in range(model.MAX_BODY_TEXTS))
    refused(tmp_path, GOOD + "      - numbered:\n" + items,
            f"{8 + model.MAX_BODY_TEXTS}:13: a source may have at most 5,000 paragraphs, list items and "
            "signature lines; this is one more (split the source into several)")
    at_the_limit = GOOD.replace("      - 正文。\n", "") + "      - numbered:\n" + items
    root, text = load.load(write(tmp_path, at_the_limit, "ok.yaml"), "ok.yaml")
    assert len(model.validate(root, text, "ok.yaml", "ok").sections[0].blocks[0].lines) == model.MAX_BODY_TEXTS


def test_text_set_in_too_many_pieces_is_refused_before_layout(tmp_path):
    """Each span of the composed handout costs WeasyPrint about 1.6 ms and 36 KB: 600 KB of alternating `a中`
    passed every other limit and took 435 s and 4.7 GB. It is refused as soon as the composer passes the limit,
    naming the paragraph; the poster alone still builds."""
    source = GOOD.replace("      - 正文。\n", f"      - 正文。\n      - {'a中' * 5000}\n" * 4)
    started = time.process_time()
    refused(tmp_path, source, " handout: the text is set in more than 12,000 pieces (a Latin word, a number or a "
                              "spaced mark beside Chinese text is one), what a handout may have to build in a minute "
                              "and 1 GB; body paragraph 6 ('a中a中a中a中a中a中…') goes past it: split the source")
    assert time.process_time() - started < 10
    result = run_build(tmp_path / "x.yaml", "--out", tmp_path / "out", "--only", "poster", "-q")
    assert (result.code, result.err) == (0, "")


def test_a_display_text_past_its_limit_is_refused_at_once(tmp_path):
    """The poster lays a heading out at every width its design search tries: a 2,000-character one took 8 s, a
    20,000-character one over 4 GB. A title, heading, name or card line has at most 300 characters."""
    started = time.process_time()
    refused(tmp_path, GOOD.replace("heading: 树立远大信念", "heading: " + "树立远大信念，" * 300),
            "5:14: 'heading' has 2,100 characters; a title, heading, name or other line of display text may have at "
            "most 300 (move the rest into a paragraph)")
    assert time.process_time() - started < 5
    at_the_limit = GOOD.replace("title: 标题", "title: " + "标" * model.MAX_LINE_CHARS)
    root, text = load.load(write(tmp_path, at_the_limit, "ok.yaml"), "ok.yaml")
    assert len(model.validate(root, text, "ok.yaml", "ok").title) == model.MAX_LINE_CHARS
