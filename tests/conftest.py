"""Shared fixtures: build in-process (fonts and templates load once) and read PDFs back with pdfium."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from studyprint import ROOT
from studyprint.cli import BUILD_PY, main

SOURCE = ROOT / "source" / "six-principles.yaml"

# The smallest valid source: one author, one section, one paragraph.
MINIMAL_SOURCE = """\
title: 标题
authors:
  - name: 作者
sections:
  - heading: 树立远大信念
    paragraphs:
      - 正文。
"""


@dataclass
class Run:
    code: int
    out: str
    err: str


# Real pieces of mixed Chinese text: Han, marks of every kind, Latin words, numbers, versions, options, paths.
MIXED_PIECES = [
    "学习", "贯彻", "落实", "党的", "工作", "，", "。", "、", "；", "：", "？", "！", "“", "”", "‘", "’",
    "（", "）", "《", "》", "——", "……", "·", "Linux", "initramfs", "bookworm", "PostgreSQL", "5.10", "2023", "11:59:01",
    "--force", "/usr/share/doc/", "https://www.debian.org/", "99.9%", "GDP", " ", "　", "a", "x86-64", "vnpy.alpha",
    "user@lists.debian.org", "supercalifragilisticexpialidocious",
]


@contextlib.contextmanager
def environment(**values: str) -> Iterator[None]:
    """These environment variables set for the time of the block, then as they were."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_build(*argv: str | Path) -> Run:
    """Run `build.py ARGV --no-cache` in-process and capture its exit status and output. Without the cache: tests
    change the code between builds (a monkeypatched stage), which no cache key can see; test_cache.py tests it."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*map(str, argv), "--no-cache"], BUILD_PY)
    return Run(code, out.getvalue(), err.getvalue())


def pdf_text(path: Path) -> list[str]:
    """The text of each page, as pdfium extracts it."""
    doc = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()


INK_LONG_SIDE_PX = 827  # the ink measurement renders the page this tall (A3 at 50 dpi), whatever the paper


def render_page(path: Path, long_side: int, without_text: bool = False) -> np.ndarray:
    """The first page as RGB pixels, its long side this many pixels; without its text objects if asked."""
    doc = pdfium.PdfDocument(str(path))
    try:
        page = doc[0]
        if without_text:
            for obj in list(page.get_objects()):
                if obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
                    page.remove_obj(obj)
            page.gen_content()
        bitmap = page.render(scale=long_side / max(page.get_size()))
        return np.asarray(bitmap.to_pil().convert("RGB"), dtype=int)
    finally:
        doc.close()


def text_ink_rows(path: Path) -> np.ndarray:
    """For each pixel row of the first page, from the first that holds text ink to the last, whether it holds any.
    Text ink is what the text adds: the page is rendered twice with pdfium, as it is and with its text objects
    removed, and a pixel differing by more than 16 of 255 is ink. So backgrounds, tints, rules and discs never
    count, and white digits on a red disc do. The page is rendered at the same pixel size whatever the paper (its
    long side INK_LONG_SIDE_PX), so A1 measures as A3."""
    renders = [render_page(path, long_side=INK_LONG_SIDE_PX, without_text=strip).min(axis=2) for strip in (False, True)]
    rows = (np.abs(renders[0] - renders[1]) > 16).any(axis=1)
    inked = np.flatnonzero(rows)
    return rows[inked[0]:inked[-1] + 1]


def ink_row_share(path: Path) -> float:
    """Issue 12's measure of a full poster: the share of rows holding text ink (text_ink_rows)."""
    return float(text_ink_rows(path).mean())


def longest_blank(path: Path) -> float:
    """The tallest band without text ink between the first line of text and the last, as a share of the page."""
    rows = text_ink_rows(path)
    edges = np.flatnonzero(np.diff(np.concatenate(([1], rows.astype(int), [1]))))
    return float(max(np.diff(edges)[::2], default=0) / INK_LONG_SIDE_PX) if len(edges) else 0.0


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The six-principles article built once with default options: {'handout': path, 'poster': path}."""
    out = tmp_path_factory.mktemp("dist")
    result = run_build(SOURCE, "--out", out, "-q")
    assert result.code == 0, result.err
    return {kind: out / f"six-principles-{kind}.pdf" for kind in ("handout", "poster")}


@pytest.fixture
def source_copy(tmp_path: Path) -> Path:
    """A writable copy of the six-principles source in a temp folder."""
    path = tmp_path / "six-principles.yaml"
    shutil.copy(SOURCE, path)
    return path


@pytest.fixture(scope="session", autouse=True)
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Builds made by session fixtures (built) cache into a temp folder, never the checkout's .studyprint-cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STUDYPRINT_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test builds with a cache of its own: a test that changes the code (a monkeypatched stage) must not meet
    the outputs of another, nor leave its own where a real build would take them."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("STUDYPRINT_CACHE", str(folder))
    return folder


SLOW = ("test_faults.py", "test_fuzz.py", "test_engines.py", "test_wheel.py")  # and tests marked slow themselves


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark whole files of long tests slow here (`-m "not slow"` skips them), rather than in each file."""
    for item in items:
        if item.path.name in SLOW:
            item.add_marker(pytest.mark.slow)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from what the code produces now (then review the diff)")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
