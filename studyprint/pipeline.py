"""The build: gather everything (load, validate, lay out, write PDF bytes), then write all outputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import files, html, impose, load, model, overflow, pdf, pdfpost, poster, typography
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
    pdf_variant: str = "pdf/ua-1"
    booklet: bool = False
    strict: bool = True
    verbose: bool = False


@dataclass
class Output:
    path: Path
    data: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)


def read_sources(paths: list[Path]) -> list[model.Article]:
    """Every source loaded and validated, with the environment the build reads (SOURCE_DATE_EPOCH); all
    problems at once."""
    articles, problems = [], []
    try:
        model.source_date_epoch()
    except UserError as e:
        problems.extend(e.problems)
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


def handout_html(article: model.Article, options: Options) -> tuple[str, typography.Composer]:
    paper = html.PAPERS[options.paper]
    composer = paper.composer()
    return html.render("handout", article, paper.page_css(), composer=composer,
                       running_head=paper.running_head(article.title)), composer


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


def layout_handout(article: model.Article, shown: str, options: Options) -> tuple[pdf.Rendered, list[str]]:
    """One layout of the composed handout, and what in it is not as composed."""
    print_html, composer = handout_html(article, options)
    rendered = pdf.layout(print_html)
    if options.verbose:
        for note in composer.notes():
            print(f"{shown}: handout: {note}")
    return rendered, composer.check(rendered.document)


def render(kind: str, article: model.Article, source: Path, options: Options) -> Output:
    """One output's PDF bytes, finished. WeasyPrint's warnings and a layout not as composed fail a strict build;
    without strict mode they are kept as the output's warnings."""
    shown = shown_path(source)
    try:
        if kind == "handout":
            rendered, problems = layout_handout(article, shown, options)
        else:
            rendered, problems = fit_poster(article, shown, options), []
        data = pdf.write(rendered, options.pdf_variant)
    except pdf.RenderError as e:
        raise UserError([Problem(shown, None, None, f"{kind}: {e}")]) from None
    data = finish(data, rendered, kind, shown, options)
    problems = ([f"WeasyPrint warning: {w}" for w in rendered.warnings] + problems
                + overflow.text_past_its_column(rendered.document))
    if options.strict and problems:
        raise UserError([Problem(shown, None, None, f"{kind}: {p} (this fails the build; --no-strict allows it)")
                         for p in problems])
    out = options.out / f"{article.name}-{kind}.pdf"
    return Output(out, data, len(rendered.document.pages), problems)


def finish(data: bytes, rendered: pdf.Rendered, kind: str, shown: str, options: Options) -> bytes:
    """pdfpost's finished PDF; if it cannot finish, a strict build fails and --no-strict ships WeasyPrint's
    own PDF (tagged as WeasyPrint tags, fonts not compacted) with a warning: never a half-finished file."""
    bleed = options.bleed_mm if kind == "poster" else 0.0
    try:
        return pdfpost.finish(data, rendered.document, pdfpost.Finish(options.pdf_variant, bleed))
    except pdfpost.PostError as e:
        if options.strict:
            raise UserError([Problem(shown, None, None, f"{kind}: {e} (nothing is written; --no-strict ships "
                                                        "WeasyPrint's unprocessed PDF)")]) from None
        rendered.warnings.append(str(e))
        return data


def booklet(handout: Output, shown: str) -> Output:
    """NAME-booklet.pdf: the A5 handout imposed two-up on A4 landscape sheets (impose.booklet)."""
    try:
        data = impose.booklet(handout.data)
    except impose.ImposeError as e:
        raise UserError([Problem(shown, None, None, f"booklet: {e}")]) from None
    path = handout.path.with_name(handout.path.name.replace("-handout.pdf", "-booklet.pdf"))
    return Output(path, data, len(impose.saddle_stitch(handout.pages)))


def build(sources: list[Path], options: Options) -> list[Output]:
    """Build every source's PDFs; nothing is written unless everything succeeded."""
    check_collisions(sources)
    articles = read_sources(sources)
    outputs = []
    for source, article in zip(sources, articles, strict=True):
        for kind in options.kinds:
            outputs.append(render(kind, article, source, options))
            if kind == "handout" and options.booklet:
                outputs.append(booklet(outputs[-1], shown_path(source)))
    files.write_all([(o.path, o.data) for o in outputs], options.out)
    return outputs
