"""Running a build's renderings: one after another, or in worker processes (--jobs), with a progress bar on a
terminal; and --shard, the slice of the sources one CI job builds."""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Protocol, TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")

AF_UNIX_PATH_MAX = 107  # bytes of a Unix socket's path (Linux)
FORKSERVER_SOCKET_NAME = 36  # bytes added to the temp folder: /pymp-XXXXXXXX/listener-XXXXXXXX (32), and 4
# imported once by the fork server that starts the workers, so each worker begins with WeasyPrint loaded
PRELOAD = ["studyprint.pdf", "studyprint.html", "studyprint.poster", "studyprint.pdfpost", "studyprint.impose"]


def shard(sources: list[Path], index: int, count: int) -> list[Path]:
    """The index-th (from 1) of count disjoint slices of the sorted sources; together they hold each once."""
    return sorted(sources)[index - 1::count]


def run(tasks: list[Task], work: Callable[[Task], Result], jobs: int = 1,
        progress: bool = False) -> Iterator[tuple[Task, Result]]:
    """Each task with its result, in the order they finish. With jobs > 1, `work` runs in that many processes
    (it and the tasks must pickle); a caller that stops iterating cancels the tasks not yet started."""
    bar = _bar(len(tasks), progress)
    try:
        if jobs <= 1 or len(tasks) <= 1:
            for task in tasks:
                result = work(task)
                bar.update()
                yield task, result
            return
        yield from _parallel(tasks, work, jobs, bar)
    finally:
        bar.close()


class Bar(Protocol):
    def update(self, n: int = 1) -> object: ...

    def close(self) -> None: ...


def _parallel(tasks: list[Task], work: Callable[[Task], Result], jobs: int,
              bar: Bar) -> Iterator[tuple[Task, Result]]:
    context = _context()
    with tempfile.TemporaryDirectory(prefix="studyprint-workers-") as temp:
        yield from _in_pool(tasks, work, ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context,
                                                             initializer=_start_worker, initargs=(temp,)), bar)


def _context() -> multiprocessing.context.BaseContext:
    """A fork server (each worker starts with WeasyPrint imported) listening on a socket in the temp folder; where
    that folder's path leaves no room for the socket's name (AF_UNIX: 107 bytes; TMPDIR deep in a CI runner's
    workspace), workers spawned afresh, slower to start."""
    if len(os.fsencode(tempfile.gettempdir())) + FORKSERVER_SOCKET_NAME > AF_UNIX_PATH_MAX:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def _in_pool(tasks: list[Task], work: Callable[[Task], Result], pool: ProcessPoolExecutor,
             bar: Bar) -> Iterator[tuple[Task, Result]]:
    try:
        pending: dict[Future[Result], Task] = {pool.submit(work, task): task for task in tasks}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                task = pending.pop(future)
                bar.update()
                yield task, future.result()
    finally:
        # The pool cancels what has not started and waits for the renderings under way (futures cancelled one by
        # one here instead can crash its manager thread in Python 3.11, which then never stops the workers)
        pool.shutdown(wait=True, cancel_futures=True)


def _start_worker(temp: str) -> None:
    """Ctrl-C is the parent's to handle: it stops the build; the workers end with it. A worker's temp files go in
    the parent's temp folder, which the parent removes: a worker leaves by os._exit, or is killed by SIGTERM
    with the parent, and would leave WeasyPrint's copies of the fonts (26 MB) in /tmp."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tempfile.tempdir = temp


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _bar(total: int, progress: bool) -> Bar:
    if not progress or total < 2:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, file=sys.stderr, unit="PDF", leave=False, dynamic_ncols=True)
