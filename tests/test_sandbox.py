"""The renderer's sandbox (issue 5): a source can only ever be text, and a layout can read only files under
layouts/ and fonts/ (after resolving symlinks), never the network, never a big data: URL."""

from __future__ import annotations

import re
import shutil
import zlib
from html import unescape
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import yaml
from conftest import SOURCE, pdf_text, run_build

from studyprint import FONTS, LAYOUTS, html, pdf

HOSTILE = Path(__file__).parent / "hostile" / "hostile.yaml"


def squeeze(text: str) -> str:
    """Text without whitespace: line breaks the layout makes must not hide a match."""
    return "".join(ch for ch in text if not ch.isspace())


def pdf_streams(data: bytes) -> bytes:
    """Every stream of a PDF, inflated where it is Flate-compressed, plus the raw file."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            parts.append(match.group(1))
    return b"\n".join(parts)


# --- A hostile source is printed literally and reads nothing ----------------------------------------------


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hostile")
    result = run_build(HOSTILE, "--out", out, "-q")
    assert (result.code, result.err) == (0, "")
    return out


def hostile_values() -> list[str]:
    values = []

    def walk(node):
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str) and node != "zh-CN":
            values.append(node)

    walk(yaml.safe_load(HOSTILE.read_text(encoding="utf-8")))
    return values


def test_hostile_source_text_appears_literally_in_the_handout(hostile_build):
    text = squeeze("".join(pdf_text(hostile_build / "hostile-handout.pdf")))
    poster_only = {"<b>海报</b>{{ poster.title }}", "<marquee>滚动</marquee>",
                   '<link href="file:///etc/shadow" rel="stylesheet">', '<object data="file:///etc/passwd"></object>'}
    values = [v for v in hostile_values() if v not in poster_only]
    assert len(values) == 14
    assert [v for v in values if squeeze(v) not in text] == []


def test_hostile_source_text_appears_literally_on_the_poster(hostile_build):
    text = squeeze("".join(pdf_text(hostile_build / "hostile-poster.pdf")))
    for value in ('<b>海报</b>{{ poster.title }}', "<marquee>滚动</marquee>",
                  '<object data="file:///etc/passwd"></object>', '{{ 7 * 7 }} {# comment #} {{ "".__class__ }}'):
        assert squeeze(value) in text


def test_hostile_html_is_escaped_in_the_print_html(hostile_build):
    from studyprint import load, model
    root, text = load.load(HOSTILE, "hostile.yaml")
    article = model.validate(root, text, "hostile.yaml", "hostile")
    page = html.render("handout", article, "", composer=html.PAPERS["A4"].composer(),
                       running_head=html.PAPERS["A4"].running_head(article.title))
    assert "&lt;script&gt;" in page
    assert "<script" not in page and "<img" not in page and "<iframe" not in page and "<object" not in page
    plain = squeeze(unescape(re.sub(r"<[^>]+>", "", page)))  # the text, whatever spans typography adds
    assert squeeze("{{ 7 * 7 }}") in plain and squeeze('<script>alert("标题")</script>') in plain


def test_a_pdf_from_a_hostile_source_contains_nothing_of_etc_passwd(hostile_build):
    secrets = [line for line in Path("/etc/passwd").read_text().splitlines() if len(line) > 8]
    assert secrets
    for name in ("hostile-handout.pdf", "hostile-poster.pdf"):
        data = (hostile_build / name).read_bytes()
        content = pdf_streams(data)
        text = "".join(pdf_text(hostile_build / name))
        for line in secrets:
            assert line.encode() not in content
            assert line not in text
        doc = pdfium.PdfDocument(data)
        try:
            assert doc.count_attachments() == 0
        finally:
            doc.close()


# --- The fetcher --------------------------------------------------------------------------------------------


@pytest.fixture
def sandbox(tmp_path: Path) -> tuple[pdf.SandboxedFetcher, Path]:
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "ok.css").write_text("p { color: black }")
    (layouts / "out.css").symlink_to("/etc/passwd")
    (layouts / "sub").symlink_to(tmp_path)  # a folder symlink pointing out
    (tmp_path / "secret.txt").write_text("secret")
    return pdf.SandboxedFetcher((layouts, FONTS)), layouts


def refusal(fetcher: pdf.SandboxedFetcher, url: str) -> str:
    with pytest.raises(pdf.RefusedURL) as e:
        fetcher.fetch(url)
    return str(e.value)


def test_fetcher_reads_files_under_the_allowed_folders(sandbox):
    fetcher, layouts = sandbox
    assert fetcher.fetch((layouts / "ok.css").as_uri()).read() == b"p { color: black }"
    assert fetcher.fetch((FONTS / "OFL.txt").as_uri()).read() == (FONTS / "OFL.txt").read_bytes()


def test_fetcher_refuses_file_urls_outside(sandbox):
    fetcher, _ = sandbox
    assert refusal(fetcher, "file:///etc/passwd") == "refused file:///etc/passwd: outside layouts/ and fonts/"


def test_fetcher_refuses_traversal(sandbox):
    fetcher, layouts = sandbox
    url = f"{layouts.as_uri()}/../secret.txt"
    assert refusal(fetcher, url) == f"refused {url}: outside layouts/ and fonts/"
    encoded = f"{layouts.as_uri()}/%2e%2e/secret.txt"
    assert refusal(fetcher, encoded) == f"refused {encoded}: outside layouts/ and fonts/"


def test_fetcher_refuses_symlinks_pointing_out(sandbox):
    fetcher, layouts = sandbox
    for url in ((layouts / "out.css").as_uri(), (layouts / "sub" / "secret.txt").as_uri()):
        assert refusal(fetcher, url) == f"refused {url}: outside layouts/ and fonts/"


@pytest.mark.parametrize("url", ["http://example.com/x.css", "https://example.com/x.css", "ftp://example.com/x",
                                 "HTTP://EXAMPLE.COM/", "//example.com/x.css", "javascript:alert(1)"])
def test_fetcher_refuses_the_network_and_other_schemes(sandbox, url):
    fetcher, _ = sandbox
    assert refusal(fetcher, url) == f"refused {url}: only files under layouts/ and fonts/ are read"


def test_fetcher_refuses_big_data_urls(sandbox):
    fetcher, _ = sandbox
    small = "data:text/css,p{color:red}"
    assert fetcher.fetch(small).read() == b"p{color:red}"
    big = "data:text/plain;base64," + "A" * pdf.MAX_DATA_URL
    assert refusal(fetcher, big) == f"refused a data: URL of {len(big):,} bytes (limit 65,536)"


# --- A layout that reaches out fails the build with a clear message and writes nothing ---------------------


@pytest.fixture
def layouts_copy(tmp_path: Path, monkeypatch) -> Path:
    """A temporary copy of layouts/ used by the renderer (the real layouts are never edited)."""
    root = tmp_path / "site"
    copy = root / "layouts"
    shutil.copytree(LAYOUTS, copy)
    (root / "fonts").symlink_to(FONTS)  # fonts.css reads ../fonts/: resolves to the real, allowed fonts/
    (root / "secret.txt").write_text("SECRET-CONTENT")
    monkeypatch.setattr(html, "LAYOUTS", copy)
    monkeypatch.setattr(pdf, "LAYOUTS", copy)
    return copy


def add_to_head(layouts: Path, markup: str) -> None:
    base = layouts / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</head>", markup + "\n</head>"), encoding="utf-8")


def refused_build(tmp_path: Path, *messages: str, kind: str = "handout") -> None:
    out = tmp_path / "out"
    result = run_build(SOURCE, "--out", out, "--only", kind)
    assert result.err.splitlines() == [f"source/six-principles.yaml: {kind}: {m}" for m in messages]
    assert result.code == 1
    assert not out.exists()


def test_the_layouts_copy_builds(tmp_path, layouts_copy):
    result = run_build(SOURCE, "--out", tmp_path / "out", "--only", "handout", "-q")
    assert (result.code, result.err) == (0, "")


def test_layout_img_of_etc_passwd(tmp_path, layouts_copy):
    (layouts_copy / "handout.html").write_text(
        (layouts_copy / "handout.html").read_text(encoding="utf-8").replace(
            "{% block body %}", '{% block body %}<img src="file:///etc/passwd">'), encoding="utf-8")
    refused_build(tmp_path, "refused file:///etc/passwd: outside layouts/ and fonts/")


def test_layout_stylesheet_over_http(tmp_path, layouts_copy):
    add_to_head(layouts_copy, '<link rel="stylesheet" href="http://example.com/x.css">')
    refused_build(tmp_path, "refused http://example.com/x.css: only files under layouts/ and fonts/ are read")


def test_layout_css_import_over_https(tmp_path, layouts_copy):
    css = layouts_copy / "poster.css"
    css.write_text('@import url("https://example.com/evil.css");\n' + css.read_text(encoding="utf-8"))
    refused_build(tmp_path, "refused https://example.com/evil.css: only files under layouts/ and fonts/ are read",
                  kind="poster")


def test_layout_css_url_traversal(tmp_path, layouts_copy):
    css = layouts_copy / "handout.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nbody { background: url(../secret.txt) }\n")
    url = (layouts_copy.parent / "secret.txt").as_uri()
    refused_build(tmp_path, f"refused {url}: outside layouts/ and fonts/")


def test_layout_symlink_pointing_out(tmp_path, layouts_copy):
    (layouts_copy / "evil.css").symlink_to(layouts_copy.parent / "secret.txt")
    add_to_head(layouts_copy, '<link rel="stylesheet" href="evil.css">')
    refused_build(tmp_path, f"refused {(layouts_copy / 'evil.css').as_uri()}: outside layouts/ and fonts/")


def test_layout_font_over_https(tmp_path, layouts_copy):
    add_to_head(layouts_copy, '<style>@font-face { font-family: x; src: url(https://example.com/f.otf) }'
                              'body { font-family: x }</style>')
    refused_build(tmp_path, "refused https://example.com/f.otf: only files under layouts/ and fonts/ are read")


def test_layout_big_data_url(tmp_path, layouts_copy):
    payload = "data:image/png;base64," + "A" * 70_000
    add_to_head(layouts_copy, f'<style>body {{ background: url({payload}) }}</style>')
    refused_build(tmp_path, f"refused a data: URL of {len(payload):,} bytes (limit 65,536)")


def test_layout_attachment_is_refused_at_write_time(tmp_path, layouts_copy):
    add_to_head(layouts_copy, '<link rel="attachment" href="file:///etc/passwd">')
    refused_build(tmp_path, "refused file:///etc/passwd: outside layouts/ and fonts/")


def test_a_refused_layout_keeps_earlier_pdfs(tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert run_build(SOURCE, "--out", out, "-q").code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    copy = tmp_path / "layouts"
    shutil.copytree(LAYOUTS, copy)
    (tmp_path / "fonts").symlink_to(FONTS)
    add_to_head(copy, '<link rel="stylesheet" href="file:///etc/passwd">')
    monkeypatch.setattr(html, "LAYOUTS", copy)
    monkeypatch.setattr(pdf, "LAYOUTS", copy)
    result = run_build(SOURCE, "--out", out)
    assert result.code == 1
    assert "refused file:///etc/passwd: outside layouts/ and fonts/" in result.err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_source_symlinked_out_of_its_folder_is_not_read(tmp_path):
    (tmp_path / "src").mkdir()
    link = tmp_path / "src" / "evil.yaml"
    link.symlink_to("/etc/passwd")
    out = tmp_path / "out"
    result = run_build(link, "--out", out)
    assert (result.code, result.err) == (
        1, f"{link}: is a symbolic link to /etc/passwd, outside its folder; copy the file instead\n")
    assert not out.exists()


def test_a_source_symlinked_within_its_folder_is_read(tmp_path):
    (tmp_path / "real.yaml").write_text("title: [", encoding="utf-8")
    link = tmp_path / "link.yaml"
    link.symlink_to("real.yaml")
    result = run_build(link, "--check")
    assert (result.code, result.err) == (1, f"{link}:1:9: a text starting with '[' must be quoted: YAML reads '[' as "
                                            "a list; write title: '['\n")
