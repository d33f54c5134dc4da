"""The build: gather everything (load, validate, lay out, write PDF bytes), then write all outputs."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import html, load, model, pdf, poster, typography
from .errors import Problem, UserError

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


def shown_path(path: Path) -> str:
    """The path as the user should see it in messages: relative to the working directory if inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # outside the working directory, or a symlink loop
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


def poster_html(article: model.Article, page: poster.PosterPage) -> str:
    return html.render("poster", article, page.page_css(), theme=page.theme,
                       columns=poster.columns(article, page.orientation), footer=poster.footer(article))


def fit_poster(article: model.Article, shown: str, options: Options) -> pdf.Rendered:
    page = poster.PosterPage(options.poster_size, options.orientation, bleed_mm=options.bleed_mm,
                             theme=options.theme)
    try:
        fitted = poster.fit(page, lambda trial: poster_html(article, trial))
    except poster.DoesNotFit:
        raise UserError([Problem(shown, None, None, poster.too_much_message(article, page))]) from None
    if options.verbose:
        print(f"{shown}: {fitted.describe()}")
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
    write_all(outputs, options.out)
    return outputs


LOCK_WAIT = 60.0  # seconds a build waits for another one writing into the same folder
STALE_AGE = 3600.0  # without a lock (flock unsupported), only temp files this old are stale
TEMP_GLOB = ".*.pdf.*.tmp"  # write_atomically's temp files: .NAME.pdf.RANDOM.tmp


def write_all(outputs: list[Output], out_dir: Path) -> None:
    """Write every output or none: all temp files are written and fsynced first, then renamed over the
    targets. The folder is locked (flock) meanwhile, so that concurrent builds take turns and each one can
    remove the temp files a killed build left behind without touching a live one."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError([Problem(shown_path(out_dir), None, None, "the output folder is a file, not a folder")])
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError([Problem(shown_path(out_dir), None, None,
                                 f"cannot create the output folder: {e.strerror}")]) from None
    with _folder_lock(out_dir) as locked:
        _remove_stale_temp_files(out_dir, locked)
        temps: list[tuple[str, Output]] = []
        try:
            for output in outputs:
                temps.append((_write_temp(output.path, output.data), output))
            for tmp, output in temps:
                try:
                    os.replace(tmp, output.path)
                except OSError as e:
                    raise UserError([_write_problem(output.path, e)]) from None
            _fsync_folder(out_dir)
        finally:
            for tmp, _ in temps:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


@contextlib.contextmanager
def _folder_lock(out_dir: Path) -> Iterator[bool]:
    """An exclusive flock on the output folder itself (no lock file is left behind); yields whether it is
    held. Waits up to LOCK_WAIT seconds for another build, then gives up with a clear message."""
    try:
        fd = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield False
        return
    try:
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise UserError([Problem(shown_path(out_dir), None, None,
                                             f"another build has been writing into this folder for "
                                             f"{LOCK_WAIT:.0f} s; try again when it has finished")]) from None
                time.sleep(0.05)
            except OSError:  # a file system without flock: no lock, stale temp files are judged by age
                yield False
                return
        yield True
    finally:
        os.close(fd)  # releases the lock


def _remove_stale_temp_files(out_dir: Path, locked: bool) -> None:
    """Temp files of a build that was killed. Under the lock every temp file is stale (a live one belongs to
    the build holding the lock); without it, only old ones are."""
    now = time.time()
    for tmp in out_dir.glob(TEMP_GLOB):
        with contextlib.suppress(OSError):
            if tmp.is_file() and not tmp.is_symlink() and (locked or now - tmp.stat().st_mtime > STALE_AGE):
                tmp.unlink()


def _fsync_folder(out_dir: Path) -> None:
    """Make the renames durable; a file system that cannot fsync a folder is not an error."""
    with contextlib.suppress(OSError):
        fd = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_problem(path: Path, e: OSError) -> Problem:
    reason = e.strerror or str(e)
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        reason += " (the disk is full; the earlier PDFs are unchanged)"
    elif e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason += f" (the output folder {shown_path(path.parent)} is not writable)"
    return Problem(shown_path(path), None, None, f"cannot write: {reason}")


def _write_temp(path: Path, data: bytes) -> str:
    """A fsynced temp file beside path with data in it; on failure nothing is left and UserError is raised."""
    fd, tmp = -1, ""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            fd = -1
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        done, tmp = tmp, ""
        return done
    except OSError as e:
        raise UserError([_write_problem(path, e)]) from None
    finally:
        if fd >= 0:
            os.close(fd)
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temp file beside the target, fsync, then rename over it: never a half-written PDF."""
    tmp = _write_temp(path, data)
    try:
        os.replace(tmp, path)
    except OSError as e:
        raise UserError([_write_problem(path, e)]) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
