"""`studyprint watch` (issue 11): a saved edit gives exactly one rebuild, of what it changed; a bad edit shows its
problem and keeps the last good PDFs; Ctrl-C ends it cleanly."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from test_cache import ARTICLE

from studyprint import FONTS, LAYOUTS, ROOT, watch

WAIT = 120  # seconds for the first build (WeasyPrint loads) on a busy machine


class Watcher:
    """`python -m studyprint watch ARGV` with its output (stdout and stderr) read line by line."""

    def __init__(self, cwd: Path, *argv: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "studyprint", "watch", *argv], cwd=cwd, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"})
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def next(self, timeout: float) -> str:
        return self.lines.get(timeout=timeout)

    def until(self, text: str, timeout: float = WAIT) -> list[str]:
        """The lines up to the first that holds text."""
        seen, deadline = [], time.monotonic() + timeout
        while not seen or text not in seen[-1]:
            seen.append(self.next(max(0.1, deadline - time.monotonic())))
        return seen

    def quiet_for(self, seconds: float) -> list[str]:
        """The lines printed in the next few seconds (none, when nothing happens)."""
        seen, deadline = [], time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                seen.append(self.next(max(0.01, deadline - time.monotonic())))
            except queue.Empty:
                break
        return seen


def test_watch_rebuilds_once_per_save_and_keeps_the_last_good_pdfs(tmp_path: Path) -> None:
    source = tmp_path / "a.yaml"
    source.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    watcher = Watcher(tmp_path, "a.yaml", "--out", "out")
    try:
        first = watcher.until("watching")
        assert any("built out/a-handout.pdf (1 page, " in line and "out/a-poster.pdf (1 page, " in line
                   for line in first), first
        assert "watching a.yaml, the layouts and the fonts (Ctrl-C stops)" in first[-1]

        source.write_text(ARTICLE.replace("第二句不上海报。", "第二句改了。"), encoding="utf-8")
        rebuilt = watcher.until("built")
        assert len(rebuilt) == 1
        assert "s: built out/a-handout.pdf (1 page, " in rebuilt[0]
        assert rebuilt[0].endswith("; unchanged: out/a-poster.pdf")
        assert watcher.quiet_for(2.5) == []  # one save, one rebuild
        good = {p.name: p.read_bytes() for p in out.iterdir()}

        source.write_text(ARTICLE.replace("title: 缓存测试", "title: [缓存测试"), encoding="utf-8")
        failed = watcher.until("failed")
        assert failed[0].startswith("a.yaml:") and "YAML syntax error" in failed[0]
        assert failed[-1].endswith("problem; the PDFs of the last good build are kept")
        assert {p.name: p.read_bytes() for p in out.iterdir()} == good
        assert watcher.quiet_for(1.5) == []

        watcher.process.send_signal(signal.SIGINT)
        assert watcher.process.wait(timeout=30) == 0
        assert "Traceback" not in "\n".join(watcher.quiet_for(0.5))
    finally:
        if watcher.process.poll() is None:
            watcher.process.kill()
            watcher.process.wait()


def test_what_a_change_rebuilds(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    named = watch.Sources([a, b])
    assert named.affected({a.resolve()}) == [a]
    assert named.affected({(LAYOUTS / "poster.css").resolve()}) is None  # a layout: every source
    watched = watch._Filter(named)
    assert watched(None, str(a)) and watched(None, str(LAYOUTS / "poster.css")) and watched(None, str(FONTS / "x"))
    for other in (tmp_path / "c.yaml", tmp_path / ".a.yaml.swp", LAYOUTS / "poster.css~", tmp_path / "out" / "a.pdf"):
        assert not watched(None, str(other)), other
    folder = watch._Filter(watch.Sources([], tmp_path))
    assert folder(None, str(tmp_path / "new.yaml")) and not folder(None, str(tmp_path / "notes.txt"))
