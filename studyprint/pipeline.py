"""The build: gather everything (load, validate, lay out, write PDF bytes), then write all outputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import files, html, load, model, pdf, poster, typography
from .errors import Problem, UserError, shown_path

KINDS = ("handout", "poster")


@dataclass(frozen=True)
class Options:
    out: Path
    kinds: tuple[str, ...] = KINDS
    paper: str = "A4"
    poster_size: str = "A3"
    orientation: str = "portrait"
    bleed_mm: float = 0.0
    theme: str = "red"
    strict: bool = True
    verbose: bool = False


@dataclass
class Output:
    path: Path
    data: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)


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
    """Two sources with the same file name (ignoring case: the output may be a Windows share) would write
    the same PDFs: refused before anything is read or written."""
    seen: dict[str, Path] = {}
    problems = []
    for path in paths:
        first = seen.get(path.stem.casefold())
        if first is None:
            seen[path.stem.casefold()] = path
        elif shown_path(first) == shown_path(path):
            problems.append(Problem(shown_path(path), None, None, "the same source is given twice"))
        else:
            problems.append(Problem(shown_path(path), None, None,
                                    f"its outputs would overwrite those of {shown_path(first)} "
                                    "(same file name); rename one of them"))
    if problems:
        raise UserError(problems)


def handout_html(article: model.Article, options: Options) -> str:
    return html.render("handout", article, html.PAPERS[options.paper].page_css())


def poster_html(article: model.Article, plan: poster.Plan) -> str:
    return html.render("poster", article, plan.page_css(), theme=plan.page.theme, poster=plan.view())


def galley_html(article: model.Article, paragraphs: list[dict[str, object]], page_css: str, theme: str) -> str:
    return html.render("poster", article, page_css, theme=theme, template="galley.html", galley=paragraphs)


def fit_poster(article: model.Article, shown: str, options: Options) -> pdf.Rendered:
    page = poster.PosterPage(options.poster_size, options.orientation, bleed_mm=options.bleed_mm,
                             theme=options.theme)
    try:
        fitted = poster.fit(page, poster.content(article),
                            lambda paragraphs, css: galley_html(article, paragraphs, css, options.theme),
                            lambda plan: poster_html(article, plan))
    except poster.DoesNotFit as e:
        raise UserError([Problem(shown, None, None, e.message)]) from None
    if options.verbose:
        for line in (fitted.describe(), *fitted.notes):
            print(f"{shown}: {line}")
    return fitted.rendered


def layout_handout(article: model.Article, options: Options) -> pdf.Rendered:
    """Two passes: the first finds the line breaks, the second justifies each line (typography.justify)."""
    source_html = handout_html(article, options)
    first = pdf.layout(source_html)
    rendered = pdf.layout(typography.justify(source_html, first.document))
    rendered.warnings[:0] = first.warnings
    return rendered


def render(kind: str, article: model.Article, source: Path, options: Options) -> Output:
    shown = shown_path(source)
    try:
        rendered = layout_handout(article, options) if kind == "handout" else fit_poster(article, shown, options)
    except pdf.RenderError as e:
        raise UserError([Problem(shown, None, None, f"{kind}: {e}")]) from None
    try:
        data = pdf.write(rendered)
    except pdf.RenderError as e:
        raise UserError([Problem(shown, None, None, f"{kind}: {e}")]) from None
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
    files.write_all([(o.path, o.data) for o in outputs], options.out)
    return outputs
