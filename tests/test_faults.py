"""Faults (issue 5): a build killed at any moment, two builds at once, a full disk. Earlier PDFs stay intact,
no temp file survives the next build, and a failure is one clear message with exit status 1."""

from __future__ import annotations

import errno
import fcntl
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import SOURCE, run_build

from studyprint import ROOT, files, pipeline

NAMES = ["six-principles-handout.pdf", "six-principles-poster.pdf"]

# build.py with every fsync slowed down: the write phase lasts long enough to be killed in the middle of it.
SLOW_WRITER = """\
import os, sys, time
real_fsync = os.fsync
def slow_fsync(fd):
    time.sleep(float(os.environ["FSYNC_DELAY"]))
    real_fsync(fd)
os.fsync = slow_fsync
from studyprint.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, bytes]:
    """The six-principles PDFs as a complete build writes them (the build is deterministic)."""
    out = tmp_path_factory.mktemp("reference")
    assert run_build(SOURCE, "--out", out, "-q").code == 0
    return {name: (out / name).read_bytes() for name in NAMES}


def start_build(out: Path, *extra: str, slow: float | None = None) -> subprocess.Popen:
    # a killed build's temp files (WeasyPrint's copies of the fonts: 26 MB) stay in the test's folder, not in /tmp
    temp = out.parent / "tmp"
    temp.mkdir(exist_ok=True)
    env = dict(os.environ, TMPDIR=str(temp))
    if slow is None:
        argv = [sys.executable, str(ROOT / "build.py")]
    else:
        argv = [sys.executable, "-c", SLOW_WRITER]
        env["FSYNC_DELAY"] = str(slow)
    return subprocess.Popen([*argv, str(SOURCE), "--out", str(out), "-q", *extra], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def temp_files(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp"))


def assert_intact(out: Path, reference: dict[str, bytes]) -> None:
    """Every PDF present is complete: byte for byte what a full build writes."""
    for pdf in out.glob("*.pdf"):
        assert pdf.read_bytes() == reference[pdf.name], f"{pdf.name} is damaged"


def test_sigkill_at_random_moments_never_damages_a_pdf(tmp_path, reference):
    out = tmp_path / "out"
    out.mkdir()
    for name, data in reference.items():
        (out / name).write_bytes(data)
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    for _ in range(5):
        build = start_build(out)
        time.sleep(rng.uniform(0.3, 2.2))
        build.kill()
        build.wait()
        assert_intact(out, reference)
        assert sorted(p.name for p in out.glob("*.pdf")) == NAMES, f"seed {seed}"
    result = run_build(SOURCE, "--out", out, "-q")
    assert (result.code, result.err) == (0, "")
    assert sorted(p.name for p in out.iterdir()) == NAMES
    assert_intact(out, reference)


def test_sigkill_in_the_middle_of_writing_then_the_next_build_cleans_up(tmp_path, reference):
    out = tmp_path / "out"
    out.mkdir()
    for name, data in reference.items():
        (out / name).write_bytes(data + b"% earlier build\n")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    build = start_build(out, slow=5)
    deadline = time.monotonic() + 60
    while not temp_files(out):  # the first temp file is written and being fsynced
        assert build.poll() is None and time.monotonic() < deadline, build.communicate()
        time.sleep(0.01)
    build.kill()
    build.wait()
    assert {p.name: p.read_bytes() for p in out.glob("*.pdf")} == before  # nothing renamed yet: all or none
    assert len(temp_files(out)) == 1  # what a killed build leaves behind
    result = run_build(SOURCE, "--out", out, "-q")
    assert (result.code, result.err) == (0, "")
    assert sorted(p.name for p in out.iterdir()) == NAMES
    assert_intact(out, reference)


def test_stale_temp_files_are_removed_and_nothing_else(tmp_path, reference):
    out = tmp_path / "out"
    out.mkdir()
    stale = [".six-principles-handout.pdf.studyprint-k3j_x9ab.tmp", ".other-poster.pdf.studyprint-zz.old.tmp"]
    keep = ["notes.txt", ".hidden", "report.pdf.tmp", ".x.tmp", ".my-notes.pdf.k3j_x9ab.tmp"]  # not ours
    for name in stale + keep:
        (out / name).write_text("left over")
    result = run_build(SOURCE, "--out", out, "-q")
    assert (result.code, result.err) == (0, "")
    assert sorted(p.name for p in out.iterdir()) == sorted(keep + NAMES)


def test_a_build_waits_for_another_one_writing_and_keeps_its_live_temp_file(tmp_path, reference):
    out = tmp_path / "out"
    out.mkdir()
    live = out / ".six-principles-poster.pdf.studyprint-live.tmp"
    live.write_bytes(reference["six-principles-poster.pdf"])
    lock = os.open(out, os.O_RDONLY)
    fcntl.flock(lock, fcntl.LOCK_EX)  # another build is writing (a separate open file: flock conflicts)
    results = []
    thread = threading.Thread(target=lambda: results.append(run_build(SOURCE, "--out", out, "-q")))
    try:
        thread.start()
        time.sleep(3)  # long enough to have laid out both PDFs and to be waiting for the lock
        assert live.exists() and thread.is_alive()
        os.replace(live, out / "six-principles-poster.pdf")  # the other build finishes its write
    finally:
        os.close(lock)
    thread.join(60)
    assert [(r.code, r.err) for r in results] == [(0, "")]
    assert sorted(p.name for p in out.iterdir()) == NAMES
    assert_intact(out, reference)


def test_a_build_gives_up_waiting_with_a_clear_message(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(files, "LOCK_WAIT", 0.5)
    lock = os.open(out, os.O_RDONLY)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        result = run_build(SOURCE, "--out", out, "--only", "poster")
    finally:
        os.close(lock)
    assert (result.code, result.err) == (1, f"{out}: another build has been writing into this folder for 0 s; "
                                            "try again when it has finished\n")
    assert list(out.iterdir()) == []


def test_two_builds_of_the_same_source_at_once(tmp_path, reference):
    out = tmp_path / "out"
    builds = [start_build(out) for _ in range(2)]
    results = [b.communicate(timeout=120) + (b.returncode,) for b in builds]
    assert results == [(b"", b"", 0), (b"", b"", 0)]
    assert sorted(p.name for p in out.iterdir()) == NAMES
    assert_intact(out, reference)


def fail_second_fsync(monkeypatch) -> None:
    calls = []
    real = os.fsync

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def test_full_disk_while_writing_keeps_every_earlier_pdf(tmp_path, monkeypatch, reference):
    out = tmp_path / "out"
    out.mkdir()
    for name, data in reference.items():
        (out / name).write_bytes(data + b"% earlier build\n")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    fail_second_fsync(monkeypatch)  # the handout's temp file is written, the poster's hits a full disk
    result = run_build(SOURCE, "--out", out)
    assert result.err == (f"{out}/six-principles-poster.pdf: cannot write: No space left on device "
                          "(the disk is full; the earlier PDFs are unchanged)\n")
    assert result.code == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # not even the handout replaced


def test_a_target_that_is_a_folder_is_found_before_anything_is_replaced(tmp_path, reference):
    out = tmp_path / "out"
    out.mkdir()
    (out / NAMES[0]).write_bytes(b"earlier")
    (out / NAMES[1]).mkdir()
    result = run_build(SOURCE, "--out", out)
    assert (result.code, result.err) == (1, f"{out}/{NAMES[1]}: is a folder, so the PDF cannot be written there; "
                                            "rename or remove the folder\n")
    assert (out / NAMES[0]).read_bytes() == b"earlier"
    assert sorted(p.name for p in out.iterdir()) == NAMES


def test_a_rename_that_fails_puts_back_the_ones_already_done(tmp_path, monkeypatch, reference):
    out = tmp_path / "out"
    out.mkdir()
    (out / NAMES[0]).write_bytes(b"earlier handout")
    real = os.replace

    def replace(src, dst):
        if str(dst).endswith(NAMES[1]):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    result = run_build(SOURCE, "--out", out)
    assert (result.code, result.err) == (1, f"{out}/{NAMES[1]}: cannot write: Input/output error\n")
    assert [(p.name, p.read_bytes()) for p in out.iterdir()] == [(NAMES[0], b"earlier handout")]


def test_full_disk_on_a_tiny_tmpfs(tmp_path, reference):
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    out = tmp_path / "tiny"
    out.mkdir()
    pages = sum(-(-len(data) // 4096) for data in reference.values())
    size = (pages + 2) * 4096  # room for the earlier PDFs, not for a new handout beside them
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(out)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        for name, data in reference.items():
            (out / name).write_bytes(data)
        result = run_build(SOURCE, "--out", out)
        assert result.err == (f"{out}/six-principles-handout.pdf: cannot write: No space left on device "
                              "(the disk is full; the earlier PDFs are unchanged)\n")
        assert result.code == 1
        assert sorted(p.name for p in out.iterdir()) == NAMES
        assert_intact(out, reference)
    finally:
        subprocess.run(["umount", str(out)], check=True)


def test_an_unexpected_oserror_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError(errno.EIO, os.strerror(errno.EIO), "/dev/sda1")

    monkeypatch.setattr(pipeline, "read_sources", broken)
    result = run_build(SOURCE, "--out", tmp_path / "out")
    assert (result.code, result.err) == (1, "/dev/sda1: Input/output error\n")
    assert not (tmp_path / "out").exists()


def test_the_build_script_itself_never_prints_a_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"title: [\x00")
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), str(bad), "--out", str(tmp_path / "out")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (f"{bad}:1:9: the file contains a NUL byte (byte offset 8): it is not a text file; "
                           "a source is a YAML text file saved as UTF-8\n")


def test_a_long_source_name_that_fits_the_file_system_builds(tmp_path):
    source = tmp_path / ("学" * 78 + ".yaml")  # 234 bytes: NAME-poster.pdf takes 245 of the 255 a name may have
    source.write_bytes(SOURCE.read_bytes())
    result = run_build(source, "--out", tmp_path / "out", "--only", "poster", "-q")
    assert (result.code, result.err) == (0, "")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["学" * 78 + "-poster.pdf"]


def rendering_under_way(temp: Path, build: subprocess.Popen) -> None:
    """Wait until WeasyPrint has copied the fonts into the build's temp folder: a rendering is under way."""
    deadline = time.monotonic() + 60
    while not any(temp.rglob("weasyprint-*")):
        assert build.poll() is None and time.monotonic() < deadline, build.communicate()
        time.sleep(0.02)


def processes_left_in_session(leader: int) -> list[str]:
    """The live processes of the build's session (the fork server and workers of --jobs), after they had 5 s to
    end; a dead one not yet reaped (<defunct>) is not left."""
    deadline = time.monotonic() + 5
    while True:
        listed = subprocess.run(["ps", "-o", "pid=,args=", "-s", str(leader)], capture_output=True, text=True).stdout
        alive = [line for line in listed.splitlines() if not line.endswith("<defunct>")]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def two_sources_in_workers(tmp_path: Path, out: Path, jobs: int, *extra: str) -> list[str]:
    """build.py on six-principles and a copy of it, in `jobs` worker processes, without the cache."""
    other = tmp_path / "other.yaml"
    other.write_bytes(SOURCE.read_bytes())
    return [sys.executable, str(ROOT / "build.py"), str(SOURCE), str(other), "--out", str(out), "-q", "--no-cache",
            "--jobs", str(jobs), *extra]


@pytest.mark.parametrize("jobs", [1, 2])
def test_sigterm_stops_the_build_and_leaves_nothing_behind(tmp_path, reference, jobs):
    """A CI job cancelled sends SIGTERM to the build's process group: the build says so and exits 143, the earlier
    PDFs are as they were, no worker is left running, and nothing is left in the temp folder (WeasyPrint keeps
    26 MB of fonts there while it renders: 273 such folders, 7 GB, had piled up in /tmp on this machine)."""
    out, temp = tmp_path / "out", tmp_path / "tmp"
    out.mkdir()
    temp.mkdir()
    for name, data in reference.items():
        (out / name).write_bytes(data + b"% earlier build\n")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    build = subprocess.Popen(two_sources_in_workers(tmp_path, out, jobs), cwd=ROOT,
                             env=dict(os.environ, TMPDIR=str(temp)), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
    rendering_under_way(temp, build)
    os.killpg(build.pid, signal.SIGTERM)
    _, err = build.communicate(timeout=60)
    assert (build.returncode, err.decode()) == (143, "build.py: stopped by SIGTERM; the earlier PDFs are unchanged\n")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert list(temp.iterdir()) == []
    assert processes_left_in_session(build.pid) == []


def test_a_build_in_worker_processes_leaves_nothing_in_the_temp_folder(tmp_path):
    """Workers of --jobs leave by os._exit, past the clean-up of WeasyPrint's font folder: the parent removes it."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    done = subprocess.run(two_sources_in_workers(tmp_path, tmp_path / "out", 2), cwd=ROOT,
                          env=dict(os.environ, TMPDIR=str(temp)), capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stderr) == (0, "")
    assert list(temp.iterdir()) == []


def test_an_output_folder_that_is_a_dangling_link_is_named_as_such(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dist").symlink_to(tmp_path / "gone")
    result = run_build(SOURCE, "--out", "dist", "--only", "poster")
    assert (result.code, result.err) == (1, f"dist: the output folder is a symbolic link to {tmp_path}/gone, which "
                                            "does not exist (or is a loop)\n")


def test_jobs_work_with_a_temp_folder_too_deep_for_the_fork_servers_socket(tmp_path):
    """A Unix socket's path has at most 107 bytes; a TMPDIR deep in a CI runner's workspace left no room for the
    fork server's, and `--jobs 2` failed with 'AF_UNIX path too long'. Workers are then spawned instead."""
    temp = tmp_path / ("t" * (100 - len(str(tmp_path))))
    temp.mkdir()
    done = subprocess.run(two_sources_in_workers(tmp_path, tmp_path / "out", 2, "--only", "poster"), cwd=ROOT,
                          env=dict(os.environ, TMPDIR=str(temp)), capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stderr) == (0, "")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["other-poster.pdf", "six-principles-poster.pdf"]
