"""Print pipeline for Chinese study material: YAML article -> typeset handout and poster PDFs."""

from pathlib import Path

__version__ = "0.1.0"  # the one place: pyproject.toml reads it, the PDFs name it in /Creator

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = ROOT / "layouts"
FONTS = ROOT / "fonts"
