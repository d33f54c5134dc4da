"""studyprint import (issue 9): text copied from a web page, a Word document or a saved web page becomes a source
with the article's fields, every guess marked, navigation and page words left out; bad input is one line and
nothing written; an existing source is never replaced unless --force."""

from __future__ import annotations

import codecs
import contextlib
import errno
import io
import os
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from conftest import SOURCE, run_build
from docx.enum.text import WD_ALIGN_PARAGRAPH
from hypothesis import given
from hypothesis import strategies as st
from import_samples import web_page, web_text, word_document

from studyprint import ROOT, cli, files, importer, lint, load, model
from studyprint.errors import UserError
from studyprint.import_find import NAMES, clean
from studyprint.import_read import tidy
from studyprint.import_write import scalar

SHARED_TEXT = ROOT.parent / "shared" / "texts" / "six-principles.txt"
CASES = Path(__file__).parent / "import_cases"
ARTICLES = sorted((Path(__file__).parent / "articles").glob("*.yaml"))
RICH = ("point", "quote", "signature", "list", "numbered")


def article(path: Path) -> model.Article:
    """A source as the build reads it, named as source/six-principles.yaml so that the two compare."""
    root, text = load.load(path, str(path))
    return model.validate(root, text, str(path), "six-principles")


def validated(path: Path) -> model.Article:
    """The imported source through the project's own loader and validator, rich entries and all."""
    root, text = load.load(path, str(path))
    return model.validate(root, text, str(path), "six-principles")


def run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = importer.main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def imported(tmp_path: Path, source: Path, name: str = "out.yaml") -> tuple[Path, str]:
    out = tmp_path / name
    code, stdout, stderr = run(source, "-o", out)
    assert (code, stderr) == (0, ""), stderr
    return out, stdout


def texts(a: model.Article) -> tuple:
    """What the clerk's source must hold: title, intro, each section's heading (with its practice) and
    paragraphs, each text as the lint leaves it."""
    return (clean(a.title), [clean(tidy(p)) for p in lines(a.intro)],
            [(clean(s.heading + (f"，{s.subheading}" if s.subheading else "")),
              [clean(tidy(p)) for p in lines(s.blocks)]) for s in a.sections])


def lines(blocks: tuple[model.Block, ...]) -> list[str]:
    """Every text of the blocks, whatever their kind (a quote, a list's items, a signature's lines)."""
    return [line for block in blocks for line in block.lines]


# ---- the six-principles article -----------------------------------------------------------------------------

def test_the_shared_text_imports_as_the_existing_source(tmp_path):
    out, _ = imported(tmp_path, SHARED_TEXT, "six-principles.yaml")
    assert validated(out) == article(SOURCE)
    assert article(out) == article(SOURCE)  # no rich entries here: today's model reads it as it is


def test_the_import_passes_build_check_and_leaves_nothing_for_the_lint(tmp_path):
    out, _ = imported(tmp_path, SHARED_TEXT)
    assert run_build(out, "--check").code == 0
    assert lint.findings(out.read_text(encoding="utf-8"), str(out)) == []


def test_the_summary_says_what_was_found_where(tmp_path):
    out, stdout = imported(tmp_path, SHARED_TEXT)
    lines = stdout.splitlines()
    assert lines[0].endswith(f"six-principles.txt (plain text) -> {out}")
    assert "  title      line 3          党群干部要做到六个树立 (guessed)" in lines
    assert "  author     line 5          李先波, 山东省第五地质矿产勘查院, 山东 泰安 271021 (guessed)" in lines
    assert "  intro      lines 9-11      2 paragraphs" in lines
    assert "  section 1  line 13         树立远大信念 / 做到注重长远，顾全大局: 1 paragraph (guessed)" in lines
    assert "  section 6  line 33         树立平常心 / 做到任劳任怨，甘于奉献: 1 paragraph (guessed)" in lines
    assert "  editor     line 37         邓丽丽" in lines
    assert "  left out   line 1 导航菜单 (before the title: navigation)" in lines
    assert "  left out   line 39 下载文本 (after the article: page words)" in lines
    assert lines[-1] == f"Then: python build.py {out} --check"


def test_every_guess_is_a_comment_and_the_header_says_where_from(tmp_path):
    out, _ = imported(tmp_path, SHARED_TEXT)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Imported by `studyprint import` from six-principles.txt (plain text).\n")
    assert "  # guessed: the line after the title looked like the author (line 5)\n  - name: 李先波\n" in text
    assert "# Left out: line 1 导航菜单 (before the title: navigation)\n" in text
    assert text.count("# guessed: split at the first '，' into heading and subheading") == 6
    keys = [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    assert keys == ["title", "authors", "lang", "intro", "sections", "editor"]  # the documented order
    assert all("\n" not in p for p in lines(article(out).intro))  # each paragraph on one line


# ---- every format, from real texts --------------------------------------------------------------------------

# (article, format) pairs the import does not get back whole, and why: the Debian FAQ's headings are questions
# with a full stop inside ("…不工作。我该怎么办？"), which as numbered or bold lines read as text; the ls page's
# authors are no person's names, so in copied text the first long line is taken for the title, and in Word the
# second author line goes to the intro.
NOT_WHOLE = {("corpus-debian-faq", "txt"), ("corpus-debian-faq", "strong.html"), ("corpus-debian-faq", "bold.docx"),
             ("corpus-ls-manpage", "txt"), ("corpus-ls-manpage", "docx"), ("corpus-ls-manpage", "bold.docx")}
FORMATS = {
    "txt": lambda a, p: p.write_text(web_text(a), encoding="utf-8"),
    "txt-1": lambda a, p: p.write_text(web_text(a, "一、"), encoding="gb18030"),
    "html": lambda a, p: p.write_text(web_page(a), encoding="utf-8"),
    "strong.html": lambda a, p: p.write_text(web_page(a, "strong", charset="gb2312"), encoding="gb18030"),
    "docx": lambda a, p: word_document(a, p),
    "bold.docx": lambda a, p: word_document(a, p, "bold"),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("path", [SOURCE] + ARTICLES, ids=lambda p: p.stem)
def test_real_texts_come_back_from_every_format(tmp_path, path, fmt):
    original = article(path)
    given_file = tmp_path / f"article.{fmt.split('-')[0] if fmt.startswith('txt') else fmt}"
    FORMATS[fmt](original, given_file)
    out, _ = imported(tmp_path, given_file)
    back = validated(out)
    if (path.stem, fmt.split("-")[0]) not in NOT_WHOLE:
        assert texts(back) == texts(original)
        if all(NAMES.match(a.name) for a in original.authors):  # a unit's name is no author line's shape
            assert [(a.name, a.affiliation, a.address) for a in back.authors] == \
                [(a.name, a.affiliation and clean(a.affiliation), a.address) for a in original.authors]
    if original.editor and fmt != "txt-1":
        assert back.editor == original.editor


def test_the_web_page_leaves_out_navigation_sidebar_and_footer(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(web_page(article(SOURCE)), encoding="utf-8")
    out, stdout = imported(tmp_path, page)
    text = out.read_text(encoding="utf-8")
    values = yaml.safe_dump(yaml.safe_load(text), allow_unicode=True)
    for word in ("时政", "搜索", "热点推荐", "习近平回信", "美丽乡村", "版权所有", "Copyright", "不是正文",
                 "人民网-理论"):
        assert word not in values, word
    assert "date: 2015-06-18" in text
    assert "# guessed: the page's date (line 11)\ndate: 2015-06-18\n" in text
    assert "  left out   lines 4-6 (6 pieces): before the title: navigation" in stdout.splitlines()


# ---- Word -----------------------------------------------------------------------------------------------------

def test_word_bold_runs_lists_quotes_points_and_signature(tmp_path):
    document = docx.Document()
    document.add_paragraph("关于加强学习的通知", style="Title")
    document.add_paragraph("办公室")
    intro = document.add_paragraph("各部门：为了")
    intro.add_run("提高素质").bold = True
    intro.add_run("，现通知如下。")
    document.add_heading("一、学习内容", level=1)
    document.add_heading("（一）理论学习", level=2)
    document.add_paragraph("学习党的理论，做到学思用贯通、知信行统一，不断提高政治判断力。")
    document.add_paragraph("原著", style="List Bullet")
    document.add_paragraph("讲话", style="List Bullet")
    document.add_paragraph("学习要坚持不懈，久久为功。", style="Quote")
    document.add_heading("二、学习要求", level=1)
    document.add_paragraph("第一步", style="List Number")
    document.add_paragraph("第二步", style="List Number")
    document.add_paragraph("各部门要结合实际，认真组织，确保学习取得实效。")
    document.add_table(rows=1, cols=2)
    for line in ("中共某某委员会办公室", "2024年6月18日"):
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.save(tmp_path / "notice.docx")
    out, stdout = imported(tmp_path, tmp_path / "notice.docx")
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["title"] == "关于加强学习的通知"
    assert data["intro"] == ["各部门：为了**提高素质**，现通知如下。"]
    assert data["sections"][0] == {"heading": "学习内容", "paragraphs": [
        {"point": "（一）理论学习"}, "学习党的理论，做到学思用贯通、知信行统一，不断提高政治判断力。",
        {"list": ["原著", "讲话"]}, {"quote": "学习要坚持不懈，久久为功。"}]}
    assert data["sections"][1]["paragraphs"] == [
        {"numbered": ["第一步", "第二步"]}, "各部门要结合实际，认真组织，确保学习取得实效。",
        {"signature": "中共某某委员会办公室"}, {"signature": "2024年6月18日"}]
    assert str(data["date"]) == "2024-06-18"
    assert "  left out   paragraph 13 a table after paragraph 13: tables are not imported" in stdout.splitlines()
    validated(out)


def test_word_bold_numbered_paragraphs_are_sections_and_points(tmp_path):
    document = docx.Document()
    document.add_paragraph("党群干部要做到六个树立")
    document.add_paragraph("李先波")
    for number, heading, point in (("一", "树立远大信念，做到注重长远", "（一）坚持理想"),
                                   ("二", "树立崇高人格，做到公道正派", "（一）严谨做人")):
        document.add_paragraph().add_run(f"{number}、{heading}").bold = True
        document.add_paragraph().add_run(point).bold = True
        document.add_paragraph("思想是行动的先导，观念决定行动，思路决定出路。")
    document.save(tmp_path / "bold.docx")
    out, _ = imported(tmp_path, tmp_path / "bold.docx")
    text = out.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert [(s["heading"], s["subheading"]) for s in data["sections"]] == [
        ("树立远大信念", "做到注重长远"), ("树立崇高人格", "做到公道正派")]
    assert data["sections"][1]["paragraphs"][0] == {"point": "（一）严谨做人"}
    assert "      # guessed: a short numbered line, taken for a sub-heading (paragraph 7)\n" in text
    assert "  # guessed: the sections begin at the lines numbered '一、' (paragraphs 3, 6)\n" in text


# ---- text: encodings, points, signature, academic header ------------------------------------------------------

ACADEMIC = """\
理论频道
基层党建工作的三点体会
——在全市组织工作会议上的发言
王小明1，张红2
（1.中共某某市委组织部，山东 济南 250001；2.山东大学 政治学院，山东 济南 250100）
摘要：本文总结了基层党建工作的经验。
关键词：基层党建；组织工作
一、抓好班子
（一）选好带头人
选好带头人是关键，要把政治过硬、本领高强的干部选进班子，切实发挥带头作用。
（二）建强队伍
要加强教育培训，不断提升党员干部的能力和水平，使之适应新形势新任务的要求。
二、抓好制度
要健全制度体系，做到用制度管人、按制度办事，形成长效机制，推动工作落实见效。
中共某某市委组织部
2024年6月18日
"""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_text_in_every_encoding_with_points_signature_and_an_academic_header(tmp_path, encoding):
    given_file = tmp_path / "talk.txt"
    given_file.write_bytes(ACADEMIC.replace("\n", "\r\n").encode(encoding))
    out, _ = imported(tmp_path, given_file)
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["title"] == "基层党建工作的三点体会"
    assert data["subtitle"] == "——在全市组织工作会议上的发言"
    assert data["authors"] == [
        {"name": "王小明", "affiliation": "中共某某市委组织部", "address": "山东 济南 250001"},
        {"name": "张红", "affiliation": "山东大学政治学院", "address": "山东 济南 250100"}]
    assert data["keywords"] == "基层党建，组织工作"
    assert data["intro"] == ["摘要：本文总结了基层党建工作的经验。"]
    assert [s["heading"] for s in data["sections"]] == ["抓好班子", "抓好制度"]
    assert data["sections"][0]["paragraphs"][0] == {"point": "（一）选好带头人"}
    assert data["sections"][1]["paragraphs"][1:] == [{"signature": "中共某某市委组织部"},
                                                     {"signature": "2024年6月18日"}]
    assert str(data["date"]) == "2024-06-18"
    validated(out)


def test_no_headings_make_one_section_under_the_title(tmp_path):
    given_file = tmp_path / "story.txt"
    given_file.write_text("祝福\n\n鲁迅\n\n旧历的年底毕竟最像年底，村镇上不必说，就在天空中也显出将到新年的气象来。\n\n"
                          "我是正在这一夜回到我的故乡鲁镇的。虽说故乡，然而已没有家，所以只得暂寓在鲁四老爷的宅子里。\n",
                          encoding="utf-8")
    out, _ = imported(tmp_path, given_file)
    back = validated(out)
    assert [(s.heading, len(s.paragraphs)) for s in back.sections] == [("祝福", 2)]
    assert back.authors[0].name == "鲁迅"
    assert "# guessed: no headings found, so the text is one section under the title" in out.read_text("utf-8")


def test_no_author_found_is_said_and_marked(tmp_path):
    given_file = tmp_path / "a.txt"
    given_file.write_text("一份没有署名的文章标题\n\n" + "正文写在这里，" * 10 + "结束。\n", encoding="utf-8")
    out, stdout = imported(tmp_path, given_file)
    assert "  # guessed: no author line found; put the author's name here\n  - name: 未署名\n" in out.read_text("utf-8")
    assert "  author     line 1          未署名 (guessed)" in stdout.splitlines()


# ---- real web pages -------------------------------------------------------------------------------------------

def test_a_real_page_keeps_its_questions_as_sections_and_points(tmp_path):
    out, stdout = imported(tmp_path, CASES / "choosing.zh-cn.html")
    back = validated(out)
    assert back.title == "第\xa03\xa0章\xa0选择一个 Debian 发布版本"  # the page's no-break spaces stay
    assert [s.heading for s in back.sections] == ["哪一个 Debian 发布版本（stable/testing/unstable）更适合我？",
                                                  "但是 Knoppix、Linux Mint Debian Edition、Ubuntu 等又是什么呢？"]
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    points = [e["point"] for e in data["sections"][0]["paragraphs"] if isinstance(e, dict) and "point" in e]
    assert points[0] == "3.1.1.\xa0你让我安装 stable，但是在 stable 中某某和某某硬件不能被检测到/不工作。我该怎么办？"
    assert len(points) == 13
    assert "  left out   line 7 目录 (navigation)" in stdout.splitlines()


def test_a_page_the_extraction_library_fails_on_is_taken_whole_and_said_so(tmp_path):
    out, stdout = imported(tmp_path, CASES / "support.zh-cn.html")
    assert stdout.splitlines()[1].startswith("  guessed: the extraction library found only 0% of the page's paragraphs")
    back = validated(out)
    assert len(back.sections) == 5 and back.sections[4].heading == "如何报告 Debian 中的缺陷？"
    assert "# guessed: the extraction library found only 0%" in out.read_text(encoding="utf-8")


# ---- bad input: one line, exit 1, nothing written -------------------------------------------------------------

def bad(tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    given_file = tmp_path / name
    if content is not None:
        given_file.write_bytes(content)
    out = tmp_path / "out.yaml"
    code, stdout, stderr = run(given_file, "-o", out)
    assert (code, stdout, stderr) == (1, "", f"{given_file}: {message}\n")
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ([name] if content is not None else [])


def test_an_empty_file(tmp_path):
    bad(tmp_path, "a.txt", b"", "the file is empty; there is no article to import")


def test_a_file_of_blanks(tmp_path):
    bad(tmp_path, "a.txt", " \n\u3000\n\t\n".encode(), "the file has no text; there is no article to import")


def test_a_binary_file(tmp_path):
    bad(tmp_path, "a.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "the file is not text (a NUL byte at byte offset 8); "
        "import reads text saved as UTF-8 or GB18030, .docx and .html")


def test_text_in_an_unknown_encoding(tmp_path):
    bad(tmp_path, "a.txt", "café au lait, très bien\n".encode("latin-1"), "the text is neither UTF-8 nor GB18030 "
        "(byte 0xe9 at offset 3); save it as UTF-8")


def test_a_docx_that_is_not_one(tmp_path):
    bad(tmp_path, "a.docx", "标题\n正文".encode(), "is not a Word document: a .docx file is a zip archive, and "
        "this is not one")


def test_a_zip_that_is_no_word_document(tmp_path):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("content.xml", "<x/>")
    bad(tmp_path, "a.docx", data.getvalue(), "is not a Word document: the archive is damaged or has no "
        "word/document.xml")


def test_an_old_word_document_renamed_docx(tmp_path):
    bad(tmp_path, "a.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "this is an old Word document (.doc) "
        "or a password-protected one; open it in Word or WPS and save it as .docx without a password")


def test_an_old_word_document(tmp_path):
    bad(tmp_path, "a.doc", b"\xd0\xcf\x11\xe0", "this is an old Word document (.doc); open it in Word or WPS and "
        "save it as .docx")


def test_a_file_over_the_size_limit(tmp_path):
    bad(tmp_path, "a.txt", "字".encode() * (load.MAX_SOURCE_BYTES // 3 + 1),
        f"the file is {3 * (load.MAX_SOURCE_BYTES // 3 + 1):,} bytes; import reads at most "
        f"{load.MAX_SOURCE_BYTES:,} bytes (a study article is 10-50 KB)")


def test_a_page_with_no_article(tmp_path):
    page = "<html><body><ul><li><a>首页</a></li><li><a>新闻</a></li></ul><p>版权所有</p></body></html>"
    bad(tmp_path, "a.html", page.encode(), "no article text found in the page (only navigation and short lines); "
        "save the article's own page, or copy its text into a .txt file")


def test_an_unknown_extension(tmp_path):
    bad(tmp_path, "a.pdf", b"%PDF-1.7", "cannot import a '.pdf' file; give a .txt (text copied from a web page), "
        "a .docx (Word) or an .html (a saved web page)")


def test_a_missing_file(tmp_path):
    bad(tmp_path, "a.txt", None, "cannot read the file: No such file or directory")


def test_a_title_with_no_text(tmp_path):
    bad(tmp_path, "a.txt", "只有标题\n李先波\n".encode(), "no article text found: a title, but no paragraphs under it")


def test_usage_errors_exit_2_and_help_exits_0(capsys):
    assert importer.main([]) == 2
    assert importer.main(["a.txt", "--fast"]) == 2
    assert importer.main(["--help"]) == 0
    assert "studyprint import" in capsys.readouterr().out


# ---- never replacing a file -----------------------------------------------------------------------------------

def test_an_existing_source_is_never_replaced(tmp_path):
    out = tmp_path / "six.yaml"
    out.write_text("keep me\n", encoding="utf-8")
    code, stdout, stderr = run(SHARED_TEXT, "-o", out)
    assert (code, stdout) == (1, "")
    assert stderr == f"{out}: already exists; give --force to replace it, or -o to name another file\n"
    assert out.read_text(encoding="utf-8") == "keep me\n"


def test_a_full_disk_is_said_and_nothing_is_written(tmp_path, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "six.yaml"
    code, _, stderr = run(SHARED_TEXT, "-o", out)
    assert (code, stderr) == (1, f"{out}: cannot write: No space left on device (the disk is full; nothing was "
                                 "written)\n")
    assert list(tmp_path.iterdir()) == []


def test_force_replaces_it(tmp_path):
    out = tmp_path / "six.yaml"
    out.write_text("keep me\n", encoding="utf-8")
    assert run(SHARED_TEXT, "-o", out, "--force")[0] == 0
    assert article(out) == article(SOURCE)


def test_a_file_made_while_importing_is_not_replaced(tmp_path):
    out = tmp_path / "six.yaml"
    out.write_text("made meanwhile\n", encoding="utf-8")
    with pytest.raises(UserError, match="already exists"):
        files.write_new(out, b"title: x\n")
    assert out.read_text(encoding="utf-8") == "made meanwhile\n"
    assert [p.name for p in tmp_path.iterdir()] == ["six.yaml"]  # no temp file left


def test_a_file_system_without_hard_links_still_gets_the_file(tmp_path, monkeypatch):
    def no_links(*_):
        raise PermissionError(1, "Operation not permitted")
    monkeypatch.setattr(files.os, "link", no_links)
    files.write_new(tmp_path / "a.yaml", b"title: x\n")
    assert (tmp_path / "a.yaml").read_bytes() == b"title: x\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]


def test_default_output_is_the_source_folder_and_a_folder_takes_the_name():
    assert importer.output_path(Path("x/文章.docx"), None, Path("source")) == Path("source/文章.yaml")
    assert importer.output_path(Path("x/文章.docx"), ROOT, Path("source")) == ROOT / "文章.yaml"


def test_the_installed_command_imports_into_the_working_directorys_source_folder(tmp_path, monkeypatch):
    """`studyprint import` in a repository of articles writes there, where `studyprint build` looks, never into
    the checkout or the installed package; `python build.py import` keeps writing to the checkout's source/."""
    (tmp_path / "source").mkdir()
    monkeypatch.chdir(tmp_path)
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli.main(["import", str(SHARED_TEXT)]) == 0
    assert (tmp_path / "source" / "six-principles.yaml").is_file()
    assert not (ROOT / "source" / "six-principles.yaml").samefile(tmp_path / "source" / "six-principles.yaml")


# ---- the YAML writer ------------------------------------------------------------------------------------------

@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40))
def test_every_text_is_written_on_one_line_and_read_back_as_itself(text):
    written = scalar(text)
    assert "\n" not in written
    root = load.compose(f"title: {written}\n", "x.yaml")
    assert root.value[0][1].value == text


def test_plain_where_possible_quoted_where_needed():
    assert scalar("党群干部要做到六个树立") == "党群干部要做到六个树立"
    assert scalar("2024") == '"2024"'  # a plain 2024 would be a number
    assert scalar("yes") == '"yes"'
    assert scalar("a: b") == '"a: b"'
    assert scalar("C# 语言") == "C# 语言"
    assert scalar("注意 #1") == '"注意 #1"'
    assert scalar("- 开头") == '"- 开头"'
    assert scalar('他说"好"') == "他说\"好\""


def test_the_bom_is_not_kept_and_the_text_is_utf8(tmp_path):
    given_file = tmp_path / "a.txt"
    given_file.write_bytes(codecs.BOM_UTF8 + SHARED_TEXT.read_bytes())
    out, _ = imported(tmp_path, given_file)
    assert not out.read_bytes().startswith(codecs.BOM_UTF8)
    assert article(out) == article(SOURCE)
