"""A content-addressed store of built outputs: one file per key, verified on every read, safe to delete.

An entry is a header line of JSON (the format, its own key, its metadata, and the name, size and SHA-256 of each
payload) followed by the payloads. An entry is used only if its header names the key it was looked up by and every
payload has its recorded hash: a truncated, corrupted or foreign file (another key's entry copied over, anything
else found there) is a miss, and the rebuild writes a good entry over it. An alias entry stands for another key
(a source's exact bytes -> what its content became, see keys.py), so that an unchanged source is found without
being parsed. Writes are atomic (temp file + rename); a cache that cannot be written is no error: the build just
is not cached. Entries unused for MAX_AGE are removed when new ones are stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

FORMAT = "studyprint-cache 1"
MAX_AGE = 30 * 24 * 3600.0  # seconds an entry is kept after it was last used
FOLDER = ".studyprint-cache"  # the default folder's name, in the working directory (the checkout for build.py)


@dataclass
class Entry:
    files: dict[str, bytes]  # payloads by name: "pdf", "html", "1.png", ...
    meta: dict[str, object] = field(default_factory=dict)  # JSON values: pages, warnings


class Cache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._pruned = False

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str) -> Entry | None:
        """The entry stored under key, followed through at most one alias; None if absent or not trustworthy."""
        used = [key]
        found = self._read(key)
        if isinstance(found, str):
            used.append(found)
            found = self._read(found)
        if not isinstance(found, Entry):
            return None
        for name in used:  # kept another MAX_AGE
            with contextlib.suppress(OSError):
                os.utime(self._path(name))
        return found

    def _read(self, key: str) -> Entry | str | None:
        try:
            with open(self._path(key), "rb") as f:
                header = json.loads(f.readline())
                if header.get("format") != FORMAT or header.get("key") != key:
                    return None
                if "alias" in header:
                    return str(header["alias"])
                files = {}
                for name, size, digest in header["files"]:
                    data = f.read(size)
                    if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
                        return None
                    files[str(name)] = data
                if f.read(1):
                    return None
                return Entry(files, dict(header["meta"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put(self, key: str, entry: Entry) -> None:
        header = {"format": FORMAT, "key": key, "meta": entry.meta,
                  "files": [[name, len(data), hashlib.sha256(data).hexdigest()] for name, data in entry.files.items()]}
        self._write(key, header, list(entry.files.values()))

    def alias(self, key: str, target: str) -> None:
        """Make key stand for the entry stored under target."""
        self._write(key, {"format": FORMAT, "key": key, "alias": target}, [])

    def _write(self, key: str, header: dict[str, object], payloads: list[bytes]) -> None:
        path = self._path(key)
        tmp = ""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(json.dumps(header, ensure_ascii=False).encode() + b"\n")
                for data in payloads:
                    f.write(data)
            os.replace(tmp, path)
            tmp = ""
            self._prune()
        except OSError:
            pass  # a read-only or full disk: the build is simply not cached
        finally:
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    def _prune(self) -> None:
        """Once per build: remove entries unused for MAX_AGE, and the temp files of writes that were killed."""
        if self._pruned:
            return
        self._pruned = True
        old = time.time() - MAX_AGE
        for path in [*self.folder.glob("??/*"), *self.folder.glob("??/.*.tmp")]:
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < old:
                    path.unlink()
