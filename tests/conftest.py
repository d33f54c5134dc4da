"""Shared fixtures: build in-process (fonts and templates load once) and read PDFs back with pdfium."""

from __future__ import annotations

import contextlib
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from studyprint import ROOT
from studyprint.cli import main

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


def run_build(*argv: str | Path) -> Run:
    """Run `build.py ARGV` in-process and capture its exit status and output."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return Run(code, out.getvalue(), err.getvalue())


def pdf_text(path: Path) -> list[str]:
    """The text of each page, as pdfium extracts it."""
    doc = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()


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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from what the code produces now (then review the diff)")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
