"""The cache (issue 11): each input invalidates what depends on it and nothing else; an entry that is corrupted or
another key's is ignored, never trusted; an unchanged build writes nothing and does not load WeasyPrint."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studyprint import ROOT, keys, pipeline
from studyprint.cache import FORMAT, Cache, Entry
from studyprint.cli import main

# Two sections with short paragraphs: a one-page handout and a small poster, quick to build. Section 1's key sentence
# is the first one of its first paragraph; the later sentences and paragraphs are not on the poster.
ARTICLE = """\
title: 缓存测试
authors:
  - name: 作者
sections:
  - heading: 树立远大信念
    subheading: 做到注重长远
    paragraphs:
      - 思想是行动的先导，观念决定行动。第二句不上海报。
      - 第二段也不上海报。
  - heading: 树立崇高人格
    paragraphs:
      - 党群干部的素质与修养直接决定形象。
"""


def build(*argv: str | Path) -> dict[str, str]:
    """`studyprint ARGV` in-process: {output name: its time, or 'cached'}."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    assert code == 0, err.getvalue()
    lines = [line.split() for line in out.getvalue().splitlines() if "page(s)" in line]
    return {Path(words[0]).name: words[-1] if words[-1] == "cached" else "built" for words in lines}


@pytest.fixture(scope="module")
def module_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the module, so the unedited article is rendered once and found by every test."""
    return tmp_path_factory.mktemp("module-cache")


@pytest.fixture
def article(tmp_path: Path, module_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STUDYPRINT_CACHE", str(module_cache))
    path = tmp_path / "a.yaml"
    path.write_text(ARTICLE, encoding="utf-8")
    build(path, "--out", tmp_path / "out")
    return path


BOTH = {"a-handout.pdf": "built", "a-poster.pdf": "built"}
HANDOUT = {"a-handout.pdf": "built", "a-poster.pdf": "cached"}
POSTER = {"a-handout.pdf": "cached", "a-poster.pdf": "built"}
NONE = {"a-handout.pdf": "cached", "a-poster.pdf": "cached"}


@pytest.mark.parametrize(("edit", "rebuilt"), [
    (("第二句不上海报。", "第二句改了，也不上海报。"), HANDOUT),  # a sentence the poster does not show
    (("第二段也不上海报。", "第二段改了。"), HANDOUT),
    (("观念决定行动。", "观念决定一切行动。"), BOTH),  # the key sentence
    (("树立远大信念", "树立远大理想"), BOTH),  # a heading
    (("做到注重长远", "做到顾全大局"), BOTH),  # a practice
    (("title: 缓存测试\n", "title: 缓存测试\nposter:\n  tagline: 海报的标语\n"), POSTER),
    (("    subheading: 做到注重长远\n", "    subheading: 做到注重长远\n    poster_line: 海报上的一句话。\n"), POSTER),
    (("title: 缓存测试\n", "# 一条注释\ntitle: '缓存测试'\n"), NONE),  # a comment and quoting: the same article
], ids=["later-sentence", "later-paragraph", "key-sentence", "heading", "practice", "poster-tagline",
        "poster-line", "comment-and-quotes"])
def test_an_edit_rebuilds_what_shows_it(article: Path, edit: tuple[str, str], rebuilt: dict[str, str]) -> None:
    text = article.read_text(encoding="utf-8")
    assert edit[0] in text
    article.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    assert build(article, "--out", article.parent / "out") == rebuilt


@pytest.mark.parametrize(("option", "rebuilt"), [
    (("--paper", "A5"), HANDOUT), (("--theme", "mono"), POSTER), (("--bleed", "3mm"), POSTER),
    (("--pdf-variant", "pdf/a-3b"), BOTH), (("--no-strict",), BOTH), (("-v",), NONE), (("--html",), NONE),
], ids=lambda value: value[0] if isinstance(value, tuple) else None)
def test_an_option_rebuilds_what_depends_on_it(article: Path, option: tuple[str, ...], rebuilt: dict[str, str]) -> None:
    assert build(article, "--out", article.parent / "elsewhere", *option) == rebuilt


def test_source_date_epoch_rebuilds_both(article: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1718668800")
    assert build(article, "--out", article.parent / "out") == BOTH


def test_the_environment_key_follows_layouts_fonts_code_and_libraries(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    layouts, fonts = tmp_path / "layouts", tmp_path / "fonts"
    for folder in (layouts, fonts):
        folder.mkdir()
        (folder / "x").write_text("1")
    monkeypatch.setattr(keys, "LAYOUTS", layouts)
    monkeypatch.setattr(keys, "FONTS", fonts)
    seen = {keys.environment()}
    for change in (lambda: (layouts / "x").write_text("2"), lambda: (layouts / "y.css").write_text(""),
                   lambda: (fonts / "x").write_text("2"),
                   lambda: monkeypatch.setattr(keys, "__version__", "9.9"),
                   lambda: monkeypatch.setattr(keys, "_code", lambda: [("cli.py", "changed")]),
                   lambda: monkeypatch.setattr(keys, "_libraries", lambda: (("weasyprint", "71.0"),))):
        change()
        seen.add(keys.environment())
    assert len(seen) == 7


def test_the_handout_does_not_show_the_posters_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What keys.shown leaves out of the handout's key really is not in it: the same bytes without it."""
    monkeypatch.setenv("STUDYPRINT_CACHE", str(tmp_path / "cache"))
    plain, marked = tmp_path / "a" / "a.yaml", tmp_path / "b" / "a.yaml"
    for path, text in ((plain, ARTICLE), (marked, ARTICLE.replace(
            "title: 缓存测试\n", "title: 缓存测试\nposter:\n  title: 另一个标题\n  qr: https://example.org/a\n").replace(
            "    subheading: 做到注重长远\n", "    subheading: 做到注重长远\n    poster_line: 海报上的一句话。\n"))):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        build(path, "--out", path.parent, "--only", "handout", "--no-cache")
    assert (plain.parent / "a-handout.pdf").read_bytes() == (marked.parent / "a-handout.pdf").read_bytes()


def test_the_poster_shows_no_paragraph_but_its_key_sentences(tmp_path: Path) -> None:
    """With poster_line everywhere, no paragraph is on the poster: changing all of them keeps its bytes."""
    lines = ARTICLE.replace("    paragraphs:\n", "    poster_line: 海报上的一句话。\n    paragraphs:\n")
    other = lines.replace("思想", "理想").replace("第二段", "末段").replace("党群", "基层")
    for name, text in (("a", lines), ("b", other)):
        path = tmp_path / name / "a.yaml"
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        build(path, "--out", path.parent, "--only", "poster", "--no-cache")
    assert (tmp_path / "a" / "a-poster.pdf").read_bytes() == (tmp_path / "b" / "a-poster.pdf").read_bytes()


def test_an_unchanged_build_writes_nothing(article: Path, module_cache: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    def state() -> dict[Path, tuple[int, int, bytes]]:
        return {p: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
                for folder in (article.parent / "out", module_cache) for p in folder.rglob("*") if p.is_file()}

    def fail(*args: object) -> None:
        raise AssertionError("rendered")

    before = state()
    monkeypatch.setattr(pipeline, "render", fail)
    monkeypatch.setattr(pipeline, "read_sources", fail)  # not even parsed
    assert build(article, "--out", article.parent / "out") == NONE
    after = state()
    assert before.keys() == after.keys()
    for path, (inode, mtime, data) in before.items():
        assert after[path][0] == inode and after[path][2] == data, path
        if path.is_relative_to(article.parent / "out"):
            assert after[path][1] == mtime, path


def test_an_unchanged_build_does_not_load_weasyprint(article: Path, module_cache: Path) -> None:
    code = ("import sys; from studyprint.cli import main; "
            f"assert main([{str(article)!r}, '--out', {str(article.parent / 'out')!r}, '-q']) == 0; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'pikepdf', 'jinja2')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "STUDYPRINT_CACHE": str(module_cache)}, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "[]\n", "")


def test_no_cache_renders_everything_and_keeps_no_cache(article: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDYPRINT_CACHE", str(tmp_path / "unused"))
    assert build(article, "--out", article.parent / "out", "--no-cache") == BOTH
    assert not (tmp_path / "unused").exists()


def test_the_default_cache_is_in_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STUDYPRINT_CACHE")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "a.yaml").write_text(ARTICLE, encoding="utf-8")
    assert build("--only", "handout") == {"a-handout.pdf": "built"}
    assert (tmp_path / "dist" / "a-handout.pdf").is_file()
    assert any((tmp_path / ".studyprint-cache").rglob("*"))
    assert build("--only", "handout") == {"a-handout.pdf": "cached"}


def corrupt_every_entry(folder: Path, how: str) -> int:
    entries = sorted(p for p in folder.rglob("*") if p.is_file())
    for i, path in enumerate(entries):
        data = path.read_bytes()
        if how == "flip":  # one byte of a payload (or of an alias's header)
            path.write_bytes(data[:-10] + bytes([data[-10] ^ 1]) + data[-9:])
        elif how == "truncate":
            path.write_bytes(data[:len(data) // 2])
        elif how == "foreign":  # another key's entry, intact, under this key's name
            path.write_bytes(entries[(i + 1) % len(entries)].read_bytes() if i + 1 < len(entries) else b"")
        elif how == "garbage":
            path.write_bytes(b"\x00not an entry\n" + data)
    return len(entries)


@pytest.mark.parametrize("how", ["flip", "truncate", "foreign", "garbage"])
def test_a_damaged_or_foreign_entry_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("STUDYPRINT_CACHE", str(cache))
    source = tmp_path / "a.yaml"
    source.write_text(ARTICLE, encoding="utf-8")
    assert build(source, "--out", tmp_path / "first", "--only", "handout") == {"a-handout.pdf": "built"}
    assert corrupt_every_entry(cache, how) >= 2  # the entry and the alias of the source's bytes
    assert build(source, "--out", tmp_path / "again", "--only", "handout") == {"a-handout.pdf": "built"}
    assert (tmp_path / "again" / "a-handout.pdf").read_bytes() == (tmp_path / "first" / "a-handout.pdf").read_bytes()
    assert build(source, "--out", tmp_path / "third", "--only", "handout") == {"a-handout.pdf": "cached"}


def test_an_entry_is_read_only_under_its_own_key(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.put("a" * 64, Entry({"pdf": b"%PDF-a"}, {"pages": 1}))
    cache.put("b" * 64, Entry({"pdf": b"%PDF-b"}, {"pages": 1}))
    assert cache.get("a" * 64) == Entry({"pdf": b"%PDF-a"}, {"pages": 1})
    (tmp_path / "bb" / ("b" * 64)).write_bytes((tmp_path / "aa" / ("a" * 64)).read_bytes())
    assert cache.get("b" * 64) is None
    cache.alias("c" * 64, "a" * 64)
    assert cache.get("c" * 64) == cache.get("a" * 64)
    assert (tmp_path / "cc" / ("c" * 64)).read_bytes().startswith(f'{{"format": "{FORMAT}"'.encode())


def test_entries_unused_for_a_long_time_are_removed(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.put("a" * 64, Entry({"pdf": b"old"}))
    old = tmp_path / "aa" / ("a" * 64)
    os.utime(old, (1, 1))
    Cache(tmp_path).put("b" * 64, Entry({"pdf": b"new"}))
    assert not old.exists()
    assert Cache(tmp_path).get("b" * 64) is not None


def test_a_cache_that_cannot_be_written_is_no_error(article: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("STUDYPRINT_CACHE", str(blocked / "cache"))
    assert build(article, "--out", tmp_path / "out2", "--only", "poster") == {"a-poster.pdf": "built"}
