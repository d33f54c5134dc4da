"""The build: gather everything (load, validate, lay out, write PDF bytes), then write all outputs."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import html, load, model, pdf, poster
from .errors import Problem, UserError

KINDS = ("handout", "poster")


@dataclass(frozen=True)
class Options:
    out: Path
    kinds: tuple[str, ...] = KINDS
    paper: str = "A4"
    poster_size: str = "A3"
    orientation: str = "portrait"
    strict: bool = True


@dataclass
class Output:
    path: Path
    data: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)


def shown_path(path: Path) -> str:
    """The path as the user should see it in messages: relative to the working directory if inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_sources(paths: list[Path]) -> list[model.Article]:
    articles, problems = [], []
    for path in paths:
        shown = shown_path(path)
        try:
            root, text = load.load(path, shown)
            articles.append(model.validate(root, text, shown, path.stem))
        except UserError as e:
            problems.extend(e.problems)
    if problems:
        raise UserError(problems)
    return articles


def check_collisions(paths: list[Path]) -> None:
    seen: dict[str, Path] = {}
    problems = []
    for path in paths:
        if path.stem in seen:
            problems.append(Problem(shown_path(path), None, None,
                                    f"its outputs would overwrite those of {shown_path(seen[path.stem])} "
                                    "(same file name); rename one of them"))
        seen.setdefault(path.stem, path)
    if problems:
        raise UserError(problems)


def html_for(kind: str, article: model.Article, options: Options) -> str:
    if kind == "handout":
        return html.render("handout", article, html.PAPERS[options.paper].page_css())
    page = poster.PosterPage(options.poster_size, options.orientation)
    return html.render("poster", article, page.page_css(), columns=poster.columns(article),
                       footer=poster.footer(article))


def render(kind: str, article: model.Article, source: Path, options: Options) -> Output:
    shown = shown_path(source)
    try:
        rendered = pdf.layout(html_for(kind, article, options))
    except pdf.RenderError as e:
        raise UserError([Problem(shown, None, None, f"{kind}: {e}")]) from None
    if kind == "poster" and len(rendered.document.pages) != 1:
        raise UserError([Problem(shown, None, None,
                                 f"the poster takes {len(rendered.document.pages)} pages, not 1")])
    data = pdf.write(rendered)
    if options.strict and rendered.warnings:
        raise UserError([Problem(shown, None, None, f"{kind}: WeasyPrint warning: {w} "
                                 "(warnings fail the build; --no-strict allows them)")
                         for w in rendered.warnings])
    out = options.out / f"{article.name}-{kind}.pdf"
    return Output(out, data, len(rendered.document.pages), rendered.warnings)


def build(sources: list[Path], options: Options) -> list[Output]:
    """Build every source's PDFs; nothing is written unless everything succeeded."""
    check_collisions(sources)
    articles = read_sources(sources)
    outputs = [render(kind, article, source, options)
               for source, article in zip(sources, articles, strict=True) for kind in options.kinds]
    write_all(outputs, options.out)
    return outputs


def write_all(outputs: list[Output], out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError([Problem(shown_path(out_dir), None, None,
                                 f"cannot create the output folder: {e.strerror}")]) from None
    for output in outputs:
        write_atomically(output.path, output.data)


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temp file beside the target, fsync, then rename over it: never a half-written PDF."""
    fd, tmp = -1, ""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            fd = -1
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        tmp = ""
    except OSError as e:
        raise UserError([Problem(shown_path(path), None, None, f"cannot write: {e.strerror}")]) from None
    finally:
        if fd >= 0:
            os.close(fd)
        if tmp:
            Path(tmp).unlink(missing_ok=True)
