"""The poster's page: paper, columns and the type unit the layout scales by."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Article

MM = 72 / 25.4
POSTER_SIZES = {"A3": (297, 420), "A2": (420, 594), "A1": (594, 841), "A0": (841, 1189)}


@dataclass(frozen=True)
class PosterPage:
    size: str = "A3"
    orientation: str = "portrait"
    scale: float = 1.0

    @property
    def width_mm(self) -> float:
        w, h = POSTER_SIZES[self.size]
        return w if self.orientation == "portrait" else h

    @property
    def height_mm(self) -> float:
        w, h = POSTER_SIZES[self.size]
        return h if self.orientation == "portrait" else w

    def unit_pt(self) -> float:
        """1 design unit: 1 pt on A3 portrait at scale 1, growing with the paper's short side."""
        return min(self.width_mm, self.height_mm) / 297 * self.scale

    def page_css(self) -> str:
        return (
            f"@page {{ size: {self.width_mm}mm {self.height_mm}mm; }}\n"
            f":root {{ --u: {self.unit_pt():.4f}pt; --page-height: {self.height_mm * MM:.3f}pt; }}"
        )


def columns(article: Article) -> int:
    n = len(article.sections)
    return 1 if n <= 3 else 2 if n <= 8 else 3


def footer(article: Article) -> str | None:
    if article.poster.footer:
        return article.poster.footer
    parts = []
    if article.editor:
        parts.append(f"责任编辑：{article.editor}")
    if article.date:
        parts.append(f"{article.date.year}年{article.date.month}月{article.date.day}日")
    return "　".join(parts) or None
