"""Render a PDF's pages with pdfium, poppler, MuPDF and Ghostscript, and compare the images."""

from __future__ import annotations

import re
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

DPI = 100
# What an engine says when a font or glyph fails; mutool's "ICC support is not available" is not one of them.
FONT_TROUBLE = re.compile(r"font|glyph|\bcid|cmap|cff|type ?1|truetype|substitut|missing|encoding", re.I)


@dataclass
class Rendering:
    engine: str
    pages: list[np.ndarray]  # 8-bit grey, one array a page
    messages: str  # what the engine printed on stderr


def _pdfium(pdf: Path, out: Path) -> Rendering:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        pages = [np.array(page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")) for page in doc]
    finally:
        doc.close()
    return Rendering("pdfium", pages, "")


def _external(engine: str, argv: list[str], out: Path, pattern: str) -> Rendering:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise AssertionError(f"{engine} failed ({result.returncode}): {result.stderr}")
    files = sorted(out.glob(pattern), key=lambda p: int(re.findall(r"\d+", p.stem)[-1]))
    return Rendering(engine, [np.array(Image.open(f).convert("L")) for f in files], result.stderr)


def _poppler(pdf: Path, out: Path) -> Rendering:
    return _external("poppler", ["pdftoppm", "-r", str(DPI), "-gray", "-png", str(pdf), str(out / "pop")],
                     out, "pop-*.png")


def _mupdf(pdf: Path, out: Path) -> Rendering:
    return _external("mupdf", ["mutool", "draw", "-q", "-r", str(DPI), "-c", "gray",
                               "-o", str(out / "mu-%d.png"), str(pdf)], out, "mu-*.png")


def _ghostscript(pdf: Path, out: Path) -> Rendering:
    return _external("ghostscript", ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pnggray",
                                     f"-r{DPI}", "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4",
                                     f"-sOutputFile={out / 'gs-%d.png'}", str(pdf)], out, "gs-*.png")


ENGINES = (_pdfium, _poppler, _mupdf, _ghostscript)


def render_all(pdf: Path) -> list[Rendering]:
    """The PDF's pages as each of the four engines draws them (in parallel)."""
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(len(ENGINES)) as pool:
        folders = [Path(tmp) / f.__name__ for f in ENGINES]
        for folder in folders:
            folder.mkdir()
        return list(pool.map(lambda f, d: f(pdf, d), ENGINES, folders))


def ink(page: np.ndarray) -> float:
    """How much the page is inked: the sum of darkness, 0 for white."""
    return float((255 - page.astype(np.float64)).sum() / 255)


def block_difference(a: np.ndarray, b: np.ndarray, block: int = 8) -> float:
    """Mean absolute grey difference of the two pages averaged over block x block squares (0..255)."""
    h, w = (min(a.shape[i], b.shape[i]) // block * block for i in (0, 1))

    def blocks(x: np.ndarray) -> np.ndarray:
        return x[:h, :w].astype(np.float64).reshape(h // block, block, w // block, block).mean(axis=(1, 3))

    return float(np.abs(blocks(a) - blocks(b)).mean())


def font_messages(rendering: Rendering) -> list[str]:
    return [line for line in rendering.messages.splitlines() if FONT_TROUBLE.search(line)]
