"""Print pipeline for Chinese study material: YAML article -> typeset handout and poster PDFs."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = ROOT / "layouts"
FONTS = ROOT / "fonts"
