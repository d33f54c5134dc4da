"""Writing outputs so that nothing is lost: temp file beside the target, fsync, rename; all outputs or none."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import signal
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import Problem, UserError, shown_path

LOCK_WAIT = 60.0  # seconds a build waits for another one writing into the same folder
STALE_AGE = 3600.0  # without a lock (flock unsupported), only temp files this old are stale
TEMP_MARK = ".studyprint-"  # in every temp file's name, so that only ours are ever removed
TEMP_NAME_BYTES = 64  # of the target's name in a temp file's name (a file name has at most 255 bytes)
TEMP_GLOB = f".*{TEMP_MARK}*.tmp"  # .NAME.studyprint-RANDOM.tmp and .NAME.studyprint-RANDOM.old.tmp


def write_all(outputs: list[tuple[Path, bytes]], out_dir: Path) -> None:
    """Write every output or none: all temp files are written and fsynced first, then renamed over the
    targets; if a rename fails, the ones already done are undone from links to the earlier files. The folder is
    locked (flock) meanwhile, so that concurrent builds take turns and each one can remove the temp files a
    killed build left behind without touching a live one."""
    _make_folder(out_dir)
    with _folder_lock(out_dir) as locked:
        _remove_stale_temp_files(out_dir, locked)
        problems = [p for path, _ in outputs if (p := _not_replaceable(path))]
        if problems:
            raise UserError(problems)
        temps: list[str] = []
        moves: list[tuple[str, str, Path]] = []
        try:
            for path, data in outputs:
                try:
                    temps.append(new := _write_temp(path, data))
                    temps.append(earlier := _keep_earlier(path))
                except OSError as e:
                    raise UserError([_write_problem(path, e)]) from None
                moves.append((new, earlier, path))
            with _signals_held():
                _replace_all(moves)
            _fsync_folder(out_dir)
        finally:
            for tmp in temps:
                if tmp:
                    with contextlib.suppress(OSError):
                        os.unlink(tmp)


def _make_folder(out_dir: Path) -> None:
    if out_dir.is_symlink() and not out_dir.exists():
        raise UserError([Problem(shown_path(out_dir), None, None, "the output folder is a symbolic link to "
                                 f"{os.readlink(out_dir)}, which does not exist (or is a loop)")])
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError([Problem(shown_path(out_dir), None, None, "the output folder is a file, not a folder")])
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError([Problem(shown_path(out_dir), None, None,
                                 f"cannot create the output folder: {e.strerror}")]) from None


def _not_replaceable(path: Path) -> Problem | None:
    """Why a new file cannot be renamed over the target, found before anything is replaced."""
    if path.is_dir() and not path.is_symlink():
        return Problem(shown_path(path), None, None, "is a folder, so the PDF cannot be written there; "
                                                     "rename or remove the folder")
    if path.exists() and not path.is_file():
        return Problem(shown_path(path), None, None, "is not a regular file; remove it to write the PDF there")
    return None


def _keep_earlier(path: Path) -> str:
    """A hard link to the target's earlier contents (empty string if there are none), to undo the rename."""
    if not os.path.lexists(path):
        return ""
    link = _temp_name(path, ".old.tmp")
    try:
        os.link(path, link, follow_symlinks=False)
    except OSError:  # a file system without hard links: a copy
        return _write_temp(path, path.read_bytes(), mode=stat.S_IMODE(path.stat().st_mode), suffix=".old.tmp")
    return link


def _replace_all(moves: list[tuple[str, str, Path]]) -> None:
    """Rename each new file over its target; on a failure put back the earlier files of those already renamed."""
    for done, (new, _, path) in enumerate(moves):
        try:
            os.replace(new, path)
        except OSError as e:
            for _, earlier, undone in moves[:done]:
                with contextlib.suppress(OSError):
                    os.replace(earlier, undone) if earlier else os.unlink(undone)
            raise UserError([_write_problem(path, e)]) from None


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP wait while the new files are renamed over the old ones (a few renames): a build
    stopped then would leave some outputs new and some old."""
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    earlier = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, earlier)


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


def _write_problem(path: Path, e: OSError, kept: str = "the earlier PDFs are unchanged") -> Problem:
    reason = e.strerror or str(e)
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        reason += f" (the disk is full; {kept})"
    elif e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason += f" (the output folder {shown_path(path.parent)} is not writable)"
    return Problem(shown_path(path), None, None, f"cannot write: {reason}")


def _write_temp(path: Path, data: bytes, mode: int = 0o644, suffix: str = ".tmp") -> str:
    """A fsynced temp file beside path with data in it; on failure nothing is left and OSError is raised."""
    fd, tmp = -1, ""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_temp_prefix(path), suffix=suffix)
        with os.fdopen(fd, "wb") as f:
            fd = -1
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        done, tmp = tmp, ""
        return done
    finally:
        if fd >= 0:
            os.close(fd)
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _temp_name(path: Path, suffix: str) -> str:
    """A free name for a temp file beside path (for a hard link, which mkstemp cannot make)."""
    return os.path.join(path.parent, f"{_temp_prefix(path)}{os.urandom(6).hex()}{suffix}")


def _temp_prefix(path: Path) -> str:
    """.NAME.studyprint-, NAME cut to TEMP_NAME_BYTES so that a temp name is never longer than a name that fits."""
    name = path.name.encode()[:TEMP_NAME_BYTES].decode(errors="ignore")
    return f".{name}{TEMP_MARK}"


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temp file beside the target, fsync, then rename over it: never a half-written PDF."""
    tmp = ""
    try:
        tmp = _write_temp(path, data)
        os.replace(tmp, path)
    except OSError as e:
        raise UserError([_write_problem(path, e)]) from None
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def rewrite(path: Path, data: bytes) -> None:
    """Give an existing source new contents as an editor would, without changing what the file is: a symbolic
    link is written through to its target (which must be in the link's folder), the mode and owner stay, and a
    file with several hard links is written in place so that every name sees the change (renaming a new file
    over it would leave the other names with the old text). A read-only file is refused, not forced."""
    shown = shown_path(path)
    target = _link_target(path, shown)
    info = os.stat(target)
    if not info.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise UserError([Problem(shown, None, None, f"the file is read-only, so it was not fixed; make it "
                                                    f"writable (chmod u+w {shown}) to fix it")])
    tmp = ""
    try:
        if info.st_nlink > 1:
            _overwrite(target, data)
            return
        tmp = _write_temp(target, data, mode=stat.S_IMODE(info.st_mode))
        with contextlib.suppress(PermissionError):  # only root may give the file back to another owner
            os.chown(tmp, info.st_uid, info.st_gid)
        os.replace(tmp, target)
    except OSError as e:
        raise UserError([Problem(shown, None, None, f"cannot write the fixed text: {e.strerror or e}; "
                                                    "the file is unchanged")]) from None
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _link_target(path: Path, shown: str) -> Path:
    """The file a source path names: itself, or the end of its symbolic links if that is in the link's folder."""
    if not path.is_symlink():
        return path
    target = path.resolve(strict=True)
    if not target.is_relative_to(path.absolute().parent.resolve()):
        raise UserError([Problem(shown, None, None, f"is a symbolic link to {target}, outside its folder; "
                                                    "not fixed")])
    return target


def _overwrite(path: Path, data: bytes) -> None:
    """Write data over the file itself (same inode). Not atomic, so the old contents are first saved beside it
    (.NAME.studyprint-RANDOM.bak) and removed only once the new ones are on disk: a crash midway leaves them to
    recover."""
    backup = _write_temp(path, path.read_bytes(), mode=0o600, suffix=".bak")
    try:
        with open(path, "r+b") as f:
            f.write(data)
            f.truncate()
            f.flush()
            os.fsync(f.fileno())
    except OSError as e:
        reason = f"cannot write the fixed text: {e.strerror or e}; the old text is in {shown_path(Path(backup))}"
        raise UserError([Problem(shown_path(path), None, None, reason)]) from None
    os.unlink(backup)


def write_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet, atomically: a fsynced temp file beside it is linked to the name, which
    fails if the name was taken meanwhile, so no file is ever replaced. On a file system without hard links the name
    is first claimed (created empty, exclusively), then the temp file renamed over that claim."""
    tmp = ""
    try:
        tmp = _write_temp(path, data)
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError as e:
            if e.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                raise
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            os.replace(tmp, path)
            tmp = ""
        _fsync_folder(path.parent)
    except FileExistsError:
        raise UserError([Problem(shown_path(path), None, None, "already exists; give --force to replace it, or "
                                                               "-o to name another file")]) from None
    except OSError as e:
        raise UserError([_write_problem(path, e, kept="nothing was written")]) from None
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
