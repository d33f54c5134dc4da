"""`studyprint watch`: one long-lived process that rebuilds whenever a source, a layout or a font is saved.

WeasyPrint, the templates' modules and the font configuration are loaded once and stay warm; the cache makes a
rebuild render only what the edit changed (a paragraph: the handout, and the poster only if its key sentences
changed). One line per rebuild; a build that fails prints its problems and writes nothing, so the last good PDFs
stay. A saved font restarts the process, since fonts are held by several layers (HarfBuzz faces, fontconfig).
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from . import FONTS, LAYOUTS, load, pipeline
from .errors import UserError, shown_path

STAGES = ("pdf", "html", "poster", "pdfpost", "impose")  # what a rebuild needs: imported before the first one
TICK_MS = 500


@dataclass
class Sources:
    """The sources watched: those named, or every *.yaml of a folder, as it is at each rebuild."""

    named: list[Path]
    folder: Path | None = None

    def __str__(self) -> str:
        return f"{shown_path(self.folder)}/*.yaml" if self.folder else ", ".join(shown_path(p) for p in self.named)

    def now(self) -> list[Path]:
        return load.sources_in(self.folder) if self.folder else self.named

    def folders(self) -> set[Path]:
        return {self.folder.resolve()} if self.folder else {p.resolve().parent for p in self.named}

    def affected(self, changed: set[Path]) -> list[Path] | None:
        """The sources to rebuild for these changed files; None if a layout changed (every source)."""
        if any(p.is_relative_to(LAYOUTS.resolve()) for p in changed):
            return None
        return [s for s in self.now() if s.resolve() in changed]


def run(sources: Sources, options: pipeline.Options, quiet: bool) -> int:
    """Build, then rebuild on every change until Ctrl-C (exit 0)."""
    for stage in STAGES:
        importlib.import_module(f"{__package__}.{stage}")
    try:
        _rebuild(sources.now(), options, quiet)
        for changed in _changes(sources):
            if any(p.is_relative_to(FONTS.resolve()) for p in changed):
                _line("a font changed: restarting to load it")
                sys.stdout.flush()
                os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
            affected = sources.affected(changed)
            _rebuild(sources.now() if affected is None else affected, options, quiet)
    except KeyboardInterrupt:
        pass
    return 0


def _changes(sources: Sources) -> Iterator[set[Path]]:
    import watchfiles

    folders = sources.folders() | {LAYOUTS.resolve(), FONTS.resolve()}
    ready = False
    # an empty batch every TICK_MS while nothing changes: the first one says the watcher is in place
    for batch in watchfiles.watch(*sorted(folders), watch_filter=_Filter(sources), recursive=False,
                                  rust_timeout=TICK_MS, yield_on_timeout=True):
        if not ready:
            _line(f"watching {sources}, the layouts and the fonts (Ctrl-C stops)")
            ready = True
        if batch:
            yield {Path(path).resolve() for _, path in batch}


class _Filter:
    """A source (named, or a *.yaml in the watched folder), or a file of the layouts or fonts; not an editor's swap
    or backup file."""

    def __init__(self, sources: Sources) -> None:
        self.sources = sources
        self.named = {p.resolve() for p in sources.named}

    def __call__(self, _change: object, path: str) -> bool:
        p = Path(path).resolve()
        if p.name.startswith((".", "#")) or p.name.endswith(("~", ".swp", ".swx")):
            return False
        if p.parent in (LAYOUTS.resolve(), FONTS.resolve()):
            return True
        if self.sources.folder:
            return p.parent == self.sources.folder.resolve() and load.is_source_name(p.name)
        return p in self.named


def _rebuild(sources: list[Path], options: pipeline.Options, quiet: bool) -> None:
    if not sources:
        return
    started = time.perf_counter()
    try:
        outputs = pipeline.build(sources, options)
    except UserError as e:
        for problem in e.problems:
            print(problem, file=sys.stderr)
        count = len(e.problems)
        _line(f"failed in {time.perf_counter() - started:.2f} s: {count} problem{'s' if count > 1 else ''}; "
              "the PDFs of the last good build are kept", sys.stderr)
        return
    except OSError as e:
        print(f"{e.filename or 'watch'}: {e.strerror or e}", file=sys.stderr)
        return
    if quiet:
        return
    built = [f"{shown_path(o.path)} ({o.pages} page{'s' if o.pages > 1 else ''}, {o.seconds:.2f} s)"
             for o in outputs if o.seconds is not None]
    same = [shown_path(o.path) for o in outputs if o.seconds is None]
    parts = [f"built {', '.join(built)}" if built else "nothing to rebuild"]
    parts += [f"unchanged: {', '.join(same)}"] if same else []
    _line(f"{time.perf_counter() - started:.2f} s: " + "; ".join(parts))


def _line(text: str, stream: TextIO | None = None) -> None:
    print(f"{time.strftime('%H:%M:%S')} {text}", file=stream or sys.stdout, flush=True)
