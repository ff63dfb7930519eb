"""Files added through the UI, kept in the data directory under the hash of their content.

``<data>/uploads/<first 16 hex digits of sha256>/<the user's file name>``: two different
files that share a name ("通知.txt") are two documents, the same content uploaded again
is the same path (and the ingest skips it), and the name the user knows stays the file
name, so messages, citations and the validity rules that read file names keep working.
Deleting the document deletes its copy here.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

HASH_DIGITS = 16
RE_UNSAFE = re.compile(r'[\x00-\x1f/\\:*?"<>|]+')
MAX_NAME = 120


def safe_name(name: str) -> str:
    """The user's file name without folders or characters file systems refuse."""
    base = RE_UNSAFE.sub("_", Path(str(name).replace("\\", "/")).name).strip(" .") or "upload"
    if len(base) > MAX_NAME:
        stem, dot, suffix = base.rpartition(".")
        base = (stem[:MAX_NAME - len(suffix) - 1] + dot + suffix) if dot and len(suffix) < 10 else base[:MAX_NAME]
    return base


def file_digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


class UploadStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path_for(self, digest: str, name: str) -> Path:
        return self.root / digest[:HASH_DIGITS] / safe_name(name)

    def store(self, src: Path, name: str, digest: str | None = None) -> Path:
        """Copy ``src`` in under its content hash (atomically); returns the stored path."""
        dest = self.path_for(digest or file_digest(src), name)
        if dest.is_file():
            return dest
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".upload-", suffix=".tmp")
        os.close(fd)
        try:
            shutil.copyfile(src, tmp)
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return dest

    def holds(self, path: Path | str) -> bool:
        try:
            Path(path).resolve().relative_to(self.root.resolve())
            return True
        except ValueError:
            return False

    def remove(self, path: Path | str) -> bool:
        """Delete a stored copy (and its hash folder once empty); False for files outside the store."""
        path = Path(path)
        if not self.holds(path) or not path.is_file():
            return False
        path.unlink()
        folder = path.parent
        if folder.parent.resolve() == self.root.resolve() and not any(folder.iterdir()):
            folder.rmdir()
        return True
