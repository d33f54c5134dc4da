"""Stage 4: print HTML -> PDF bytes with WeasyPrint, sandboxed and strict."""

from __future__ import annotations

import contextlib
import logging
import mimetypes
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from . import FONTS, LAYOUTS

ALLOWED = (LAYOUTS, FONTS)
MAX_DATA_URL = 64 * 1024


class RefusedURL(ValueError):
    pass


class SandboxedFetcher(URLFetcher):
    """Reads only files under layouts/ and fonts/ (after resolving symlinks); no network, no other paths."""

    def __init__(self, allowed: tuple[Path, ...] | None = None) -> None:
        super().__init__(fail_on_errors=True)
        self.allowed = tuple(p.resolve() for p in (allowed or (LAYOUTS, FONTS)))
        self.refused: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        try:
            return self._fetch(url)
        except RefusedURL as e:
            self.refused.append(str(e))
            raise

    def _fetch(self, url: str) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            if len(url) > MAX_DATA_URL:
                raise RefusedURL(f"refused a data: URL of {len(url):,} bytes (limit {MAX_DATA_URL:,})")
            return super().fetch(url)
        if scheme != "file":
            raise RefusedURL(f"refused {url[:200]}: only files under layouts/ and fonts/ are read")
        path = Path(unquote(urlsplit(url).path)).resolve()
        if not any(path.is_relative_to(folder) for folder in self.allowed):
            raise RefusedURL(f"refused {url[:200]}: outside layouts/ and fonts/")
        if not path.is_file():
            raise RefusedURL(f"refused {url[:200]}: no such file")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})


@dataclass
class Rendered:
    document: weasyprint.document.Document
    warnings: list[str] = field(default_factory=list)
    fetcher: SandboxedFetcher = field(default_factory=SandboxedFetcher)
    html: str = ""  # what was laid out


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().splitlines()[0])


@contextlib.contextmanager
def collected_warnings() -> Iterator[list[str]]:
    """Everything WeasyPrint logs at WARNING or above while the block runs."""
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    propagate = logger.propagate
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


class RenderError(Exception):
    pass


_FONT_CONFIG: FontConfiguration | None = None


def font_config() -> FontConfiguration:
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


def layout(html: str) -> Rendered:
    """Lay out print HTML into pages; warnings are collected, refused URLs raise RenderError."""
    fetcher = SandboxedFetcher()
    with collected_warnings() as warnings:
        try:
            document = weasyprint.HTML(
                string=html, base_url=LAYOUTS.as_uri() + "/", url_fetcher=fetcher
            ).render(font_config=font_config())
        except FatalURLFetchingError as e:
            reasons = fetcher.refused or [str(e)]
            raise RenderError("; ".join(reasons)) from None
    return Rendered(document, list(warnings), fetcher, html)


def write(rendered: Rendered, variant: str = "pdf/ua-1") -> bytes:
    """The PDF bytes, tagged, as WeasyPrint writes them for `variant` (pdf/ua-1 or pdf/a-3b); pdfpost finishes
    them. Attachments (<link rel=attachment>) are fetched here, through the same sandbox."""
    with collected_warnings() as warnings:
        try:
            data = rendered.document.write_pdf(pdf_identifier=True, pdf_variant=variant, pdf_tags=True)
        except FatalURLFetchingError as e:
            raise RenderError("; ".join(rendered.fetcher.refused or [str(e)])) from None
    rendered.warnings.extend(warnings)
    return data
