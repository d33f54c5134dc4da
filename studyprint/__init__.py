"""Print pipeline for Chinese study material: YAML article -> typeset handout and poster PDFs."""

from importlib.resources import files as _package_files
from pathlib import Path

__version__ = "0.1.0"  # the one place: pyproject.toml reads it, the PDFs name it in /Creator

ROOT = Path(__file__).resolve().parent.parent  # the checkout, when running from one


def _data(name: str) -> Path:
    """layouts/ or fonts/: inside the package where a wheel put them (pyproject maps the repository's top-level
    folders there), else beside the package, as in a checkout or an editable install."""
    packaged = Path(str(_package_files(__name__) / name))
    return packaged if packaged.is_dir() else ROOT / name


LAYOUTS = _data("layouts")
FONTS = _data("fonts")
