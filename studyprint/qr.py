"""The poster's QR code: segno encodes the URL, drawn as one vector path (inline SVG), never a raster."""

from __future__ import annotations

import segno
from markupsafe import Markup

QUIET = 4  # modules of quiet zone around the symbol, as ISO/IEC 18004 asks


def svg(url: str, title: str) -> Markup:
    """The symbol as inline SVG sized by its viewBox (the poster's CSS gives its width): only path data, from segno;
    its <title> is the alternative text screen readers read (the tagged PDF's /Alt)."""
    code = segno.make(url, error="m", micro=False)
    return Markup(code.svg_inline(scale=1, border=QUIET, omitsize=True, dark="#000", svgclass="qr", lineclass=None,
                                  title=title))

