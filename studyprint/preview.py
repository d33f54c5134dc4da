"""--preview: a PNG of every page of a PDF, rendered by pdfium, for review and CI artifacts."""

from __future__ import annotations

import io
import re
from pathlib import Path

DPI = 96  # an A4 page is 794 x 1123 pixels, an A3 poster 1123 x 1587


def pages(pdf: bytes, dpi: int = DPI) -> list[bytes]:
    """Each page as PNG bytes (the same PDF gives the same bytes)."""
    import pypdfium2 as pdfium  # only when previews are asked for

    doc = pdfium.PdfDocument(pdf)
    try:
        images = []
        for page in doc:
            buffer = io.BytesIO()
            page.render(scale=dpi / 72).to_pil().save(buffer, format="PNG")
            images.append(buffer.getvalue())
        return images
    finally:
        doc.close()


def paths(pdf_path: Path, count: int) -> list[Path]:
    """NAME-KIND-1.png ... beside NAME-KIND.pdf, numbered with as many digits as the last page's number."""
    width = len(str(count))
    return [pdf_path.with_name(f"{pdf_path.stem}-{n:0{width}d}.png") for n in range(1, count + 1)]


def stale(pdf_path: Path, kept: list[Path]) -> list[Path]:
    """Previews of an earlier build of this PDF that the new one does not have (it had more pages)."""
    pattern = re.compile(re.escape(pdf_path.stem) + r"-\d+\.png")
    return [p for p in pdf_path.parent.glob(f"{pdf_path.stem}-*.png") if pattern.fullmatch(p.name) and p not in kept]
