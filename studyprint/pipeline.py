"""The build: gather everything (from the cache, or load, validate, lay out, write PDF bytes), then write all outputs.

The stages import WeasyPrint, pikepdf and the templates where they run, so that a build served from the cache, a
check and a lint never load them (WeasyPrint alone takes 0.6-0.8 s to import)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import LAYOUTS, batch, files, keys, load, model, preview
from .cache import Cache, Entry
from .choices import KINDS
from .errors import Problem, UserError, shown_path

if TYPE_CHECKING:
    from . import pdf, poster, typography


NAME_MAX = 255  # bytes of a file name on every file system a build writes to (ext4, XFS, Btrfs, APFS; NTFS: 255 UTF-16)
LONGEST_KIND = "handout"  # NAME-handout.pdf and NAME-booklet.pdf are the longest output names
PREVIEW_DIGITS = 4  # NAME-handout-0001.png: the preview of a handout of up to 9,999 pages

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
    html: bool = False  # also NAME-KIND.html, the print HTML each PDF was laid out from
    preview: bool = False  # also NAME-KIND-N.png, every page
    cache: Path | None = None  # the cache folder; None: every output is rendered
    jobs: int = 1  # processes rendering at once


@dataclass
class Output:
    path: Path
    data: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)
    html: str = ""  # the print HTML it was laid out from (none for a booklet)
    seconds: float | None = None  # the time it took; None: taken from the cache


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


def check_output_names(paths: list[Path], preview: bool = False) -> None:
    """Refused before anything is read or written: two sources with the same file name (ignoring case: the output
    may be a Windows share), which would write the same PDFs, and a name too long for its outputs' names."""
    seen: dict[str, Path] = {}
    problems = []
    for path in paths:
        longest = f"{path.stem}-{LONGEST_KIND}{'-' + '9' * PREVIEW_DIGITS if preview else ''}.pdf"
        if len(longest.encode()) > NAME_MAX:
            problems.append(Problem(shown_path(path), None, None,
                                    f"the file name is too long for its outputs: {_cut(longest)} would have "
                                    f"{len(longest.encode())} bytes, and a file name may have {NAME_MAX}; "
                                    "shorten the source's name"))
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


def _cut(name: str) -> str:
    return name if len(name) <= 40 else f"{name[:16]}…{name[-20:]}"


def handout_html(article: model.Article, options: Options) -> tuple[str, typography.Composer]:
    from . import html

    paper = html.PAPERS[options.paper]
    composer = paper.composer()
    return html.render("handout", article, paper.page_css(), composer=composer,
                       running_head=paper.running_head(article.title)), composer


def poster_html(article: model.Article, plan: poster.Plan) -> str:
    from . import html

    return html.render("poster", article, plan.page_css(), theme=plan.page.theme, poster=plan.view())


def galley_html(article: model.Article, paragraphs: list[dict[str, object]], page_css: str, theme: str) -> str:
    from . import html

    return html.render("poster", article, page_css, theme=theme, template="galley.html", galley=paragraphs)


def fit_poster(article: model.Article, shown: str, options: Options) -> pdf.Rendered:
    from . import poster

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
    from . import pdf, typography

    try:
        print_html, composer = handout_html(article, options)
    except typography.OverBudget as e:
        raise UserError([Problem(shown, None, None, f"handout: {e}")]) from None
    rendered = pdf.layout(print_html)
    if options.verbose:
        for note in composer.notes():
            print(f"{shown}: handout: {note}")
    return rendered, composer.check(rendered.document)


def render(kind: str, article: model.Article, source: Path, options: Options) -> Output:
    """One output's PDF bytes, finished. WeasyPrint's warnings and a layout not as composed fail a strict build;
    without strict mode they are kept as the output's warnings."""
    from . import overflow, pdf

    started = time.perf_counter()
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
    return Output(output_path(options, article.name, kind), data, len(rendered.document.pages), problems,
                  rendered.html, time.perf_counter() - started)


def finish(data: bytes, rendered: pdf.Rendered, kind: str, shown: str, options: Options) -> bytes:
    """pdfpost's finished PDF; if it cannot finish, a strict build fails and --no-strict ships WeasyPrint's
    own PDF (tagged as WeasyPrint tags, fonts not compacted) with a warning: never a half-finished file."""
    from . import pdfpost

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
    from . import impose

    started = time.perf_counter()
    try:
        data = impose.booklet(handout.data)
    except impose.ImposeError as e:
        raise UserError([Problem(shown, None, None, f"booklet: {e}")]) from None
    return Output(booklet_path(handout.path), data, len(impose.saddle_stitch(handout.pages)),
                  seconds=time.perf_counter() - started)


def booklet_path(handout: Path) -> Path:
    return handout.with_name(handout.name.replace("-handout.pdf", "-booklet.pdf"))


def output_path(options: Options, name: str, kind: str) -> Path:
    return options.out / f"{name}-{kind}.pdf"


def standalone_html(print_html: str) -> str:
    """The print HTML with a <base> leading to the layouts (and through them the fonts) it was laid out with, so
    that it renders the same from wherever it is saved: in a browser's print preview, or by WeasyPrint."""
    return print_html.replace("<head>", f'<head>\n<base href="{LAYOUTS.as_uri()}/">', 1)


@dataclass(frozen=True)
class _Task:
    index: int  # of the source
    kind: str
    article: model.Article
    source: Path
    options: Options


def _render(task: _Task) -> Output | list[Problem]:
    """One rendering, in this process or a worker: problems are returned, since a UserError does not pickle."""
    try:
        return render(task.kind, task.article, task.source, task.options)
    except UserError as e:
        return e.problems


def _from_entry(entry: Entry | None, path: Path) -> Output | None:
    if entry is None or "pdf" not in entry.files:
        return None
    pages, warnings = entry.meta.get("pages"), entry.meta.get("warnings", [])
    if not isinstance(pages, int) or not isinstance(warnings, list):
        return None
    return Output(path, entry.files["pdf"], pages, [str(w) for w in warnings],
                  entry.files.get("html", b"").decode())


def _entry(output: Output) -> Entry:
    return Entry({"pdf": output.data, "html": output.html.encode()},
                 {"pages": output.pages, "warnings": output.warnings})


class _Outputs:
    """Every output of a build, each found in the cache (by the source's bytes, else by its content) or rendered."""

    def __init__(self, sources: list[Path], options: Options) -> None:
        self.sources, self.options = sources, options
        self.cache = Cache(options.cache) if options.cache else None
        self.env = keys.environment() if self.cache else ""
        self.found: dict[tuple[int, str], Output] = {}
        self.text_keys: dict[tuple[int, str], str] = {}

    def lookup(self, i: int, kind: str, key: str) -> bool:
        if self.cache is None:
            return False
        output = _from_entry(self.cache.get(key), output_path(self.options, self.sources[i].stem, kind))
        if output is None:
            return False
        if self.options.verbose:
            print(f"{shown_path(self.sources[i])}: {kind}: unchanged, taken from the cache")
        self.found[i, kind] = output
        return True

    def by_text(self) -> None:
        for i, source in enumerate(self.sources):
            try:
                data = load.read_bytes(source, shown_path(source))
            except UserError:
                continue  # read_sources says why
            for kind in self.options.kinds:
                self.text_keys[i, kind] = keys.text_key(self.env, kind, source.stem, data, self.options)
                self.lookup(i, kind, self.text_keys[i, kind])

    def store(self, i: int, kind: str, key: str, output: Output | None = None) -> None:
        """Keep a rendered output under its content key; let the source's text key lead there."""
        if self.cache is None:
            return
        if output is not None:
            self.cache.put(key, _entry(output))
        if (i, kind) in self.text_keys:
            self.cache.alias(self.text_keys[i, kind], key)

    def render(self, progress: bool) -> None:
        missing = sorted({i for i in range(len(self.sources)) for kind in self.options.kinds
                          if (i, kind) not in self.found})
        if not missing:
            return
        articles = dict(zip(missing, read_sources([self.sources[i] for i in missing]), strict=True))
        tasks, content_keys = [], {}
        for i in missing:
            for kind in self.options.kinds:
                if (i, kind) in self.found:
                    continue
                if self.cache:
                    content_keys[i, kind] = keys.content_key(self.env, kind, articles[i], self.options)
                    if self.lookup(i, kind, content_keys[i, kind]):
                        self.store(i, kind, content_keys[i, kind])
                        continue
                tasks.append(_Task(i, kind, articles[i], self.sources[i], self.options))
        # posters first: one that cannot fit says so in a second or two, a handout may take up to a minute, and the
        # first failure stops the build
        tasks.sort(key=lambda task: task.kind != "poster")
        for task, result in batch.run(tasks, _render, self.options.jobs, progress):
            if not isinstance(result, Output):
                raise UserError(result)
            self.found[task.index, task.kind] = result
            if self.cache:
                self.store(task.index, task.kind, content_keys[task.index, task.kind], result)

    def booklet(self, handout: Output, source: Path) -> Output:
        key = keys.derived_key(self.env, "booklet", handout.data)
        cached = _from_entry(self.cache.get(key), booklet_path(handout.path)) if self.cache else None
        if cached:
            return cached
        made = booklet(handout, shown_path(source))
        if self.cache:
            self.cache.put(key, Entry({"pdf": made.data}, {"pages": made.pages}))
        return made

    def previews(self, output: Output) -> list[bytes]:
        key = keys.derived_key(self.env, "preview", output.data, preview.DPI)
        entry = self.cache.get(key) if self.cache else None
        if entry and len(entry.files) == output.pages:
            return list(entry.files.values())
        images = preview.pages(output.data)
        if self.cache:
            self.cache.put(key, Entry({f"{n}.png": png for n, png in enumerate(images, 1)}))
        return images


def build(sources: list[Path], options: Options, progress: bool = False) -> list[Output]:
    """Build every source's PDFs; nothing is written unless everything succeeded, and an output taken from the
    cache whose bytes are already there is not written again."""
    check_output_names(sources, options.preview)
    found = _Outputs(sources, options)
    if found.cache:
        found.by_text()
    found.render(progress)
    outputs = []
    for i, source in enumerate(sources):
        for kind in options.kinds:
            outputs.append(found.found[i, kind])
            if kind == "handout" and options.booklet:
                outputs.append(found.booklet(outputs[-1], source))
    writes, stale = _files(outputs, options, found)
    if writes or stale:
        files.write_all(writes, options.out)
    for path in stale:
        path.unlink(missing_ok=True)
    return outputs


def _files(outputs: list[Output], options: Options, found: _Outputs) -> tuple[list[tuple[Path, bytes]], list[Path]]:
    """What to write (each PDF, its HTML and previews as asked) and the earlier previews to remove."""
    writes, stale = [], []
    for output in outputs:
        mine = [(output.path, output.data)]
        if options.html and output.html:
            mine.append((output.path.with_suffix(".html"), standalone_html(output.html).encode()))
        if options.preview:
            paths = preview.paths(output.path, output.pages)
            mine += zip(paths, found.previews(output), strict=True)
            stale += preview.stale(output.path, paths)
        writes += [(path, data) for path, data in mine if output.seconds is not None or not _already(path, data)]
    return writes, stale


def _already(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False
