"""Cache keys: what each output really depends on, hashed.

Every key starts from the environment: the tool's version and code, every file of the layouts and the fonts, the
versions of the libraries that lay out, write and finish the PDFs, and SOURCE_DATE_EPOCH (a PDF's date when the
source has none). Then, per output:

* `text_key`: the source's exact bytes, its name and the options the output depends on. Found before the source
  is parsed, so an unchanged source costs a hash (no YAML, no WeasyPrint).
* `content_key`: what the output shows, from the validated article. The handout shows everything but the poster's
  settings; the poster shows the article's metadata, headings and practices and, of the intro and the sections'
  blocks (paragraphs, sub-points, quotations, lists), only what poster.content takes from them (the key
  sentences). A paragraph edit that leaves the key sentences alone rebuilds the handout only; a comment or
  re-quoting rebuilds nothing.
* booklets and previews are keyed by the PDF they are made from.

Options are part of a key unless listed in IRRELEVANT for that output, so a new option counts until someone says
it does not. Not covered: the system's Pango, HarfBuzz and fontconfig; after upgrading them, use --no-cache once
or delete the cache folder.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import os
import sys
from functools import cache
from importlib import metadata
from pathlib import Path

from . import FONTS, LAYOUTS, __version__
from .model import Article

# what does not change the output's bytes, by output
_NEVER = ("out", "kinds", "verbose", "html", "preview", "cache", "jobs")
IRRELEVANT = {
    "handout": (*_NEVER, "booklet", "poster_size", "orientation", "bleed_mm", "theme"),
    "poster": (*_NEVER, "booklet", "paper"),
}
LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "tinyhtml5", "cssselect2", "fonttools", "Pillow", "cffi", "pikepdf",
             "uharfbuzz", "pyphen", "rjieba", "segno", "jinja2", "markupsafe", "pyyaml", "pypdfium2")


def _hash(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, default=_plain).encode()).hexdigest()


def _plain(value: object) -> object:
    """JSON for what json does not know: dataclasses with their type's name, dates, paths."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"type": type(value).__qualname__,
                **{f.name: getattr(value, f.name) for f in dataclasses.fields(value)}}
    if isinstance(value, datetime.date | Path):
        return str(value)
    raise TypeError(f"cannot key {type(value).__name__}")


def _folder(folder: Path) -> list[tuple[str, str]]:
    return [(str(p.relative_to(folder)), hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]


def _code() -> list[tuple[str, str]]:
    """The package's own files (not its layouts/ and fonts/ folders, hashed on their own)."""
    package = Path(__file__).parent
    return [(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in sorted(package.iterdir()) if p.is_file()]


def _version(library: str) -> str | None:
    try:
        return metadata.version(library)
    except metadata.PackageNotFoundError:
        return None


@cache
def _libraries() -> tuple[tuple[str, str | None], ...]:
    return (*((name, _version(name)) for name in LIBRARIES), ("python", sys.version))


def environment() -> str:
    """The key of everything besides the source and the options (about 40 ms: the fonts are 23 MB). Computed
    once per build, so that a layout or a font saved while `watch` runs counts at the next rebuild."""
    return _hash(__version__, _code(), _folder(LAYOUTS), _folder(FONTS), _libraries(),
                 os.environ.get("SOURCE_DATE_EPOCH", ""))


def options(kind: str, options: object) -> dict[str, object]:
    """The options an output of this kind depends on."""
    return {f.name: getattr(options, f.name) for f in dataclasses.fields(options)  # type: ignore[arg-type]
            if f.name not in IRRELEVANT[kind]}


def text_key(env: str, kind: str, name: str, source: bytes, opts: object) -> str:
    return _hash("text", env, kind, name, hashlib.sha256(source).hexdigest(), options(kind, opts))


def content_key(env: str, kind: str, article: Article, opts: object) -> str:
    return _hash("content", env, kind, shown(kind, article), options(kind, opts))


def shown(kind: str, article: Article) -> object:
    """What an output of this kind shows of the article."""
    if kind == "handout":
        return dataclasses.replace(article, poster=None,
                                   sections=tuple(dataclasses.replace(s, poster_line=None) for s in article.sections))
    from . import poster  # WeasyPrint: only when a source has changed, and then something is rebuilt anyway

    bare = dataclasses.replace(article, intro=(),
                               sections=tuple(dataclasses.replace(s, blocks=()) for s in article.sections))
    return bare, poster.content(article)


def derived_key(env: str, what: str, pdf: bytes, *params: object) -> str:
    """A booklet or a preview: made from a PDF's bytes."""
    return _hash(what, env, hashlib.sha256(pdf).hexdigest(), params)
