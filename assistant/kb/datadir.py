"""The data directory shared by every process: one writer at a time, atomic files,
and noticing what another process changed.

``WriterLock``: every change to the data directory (ingest, delete, validity and
alignment decisions) runs inside ``lock.hold(what)``. Across processes it is an
``flock`` on ``<data>/.writer.lock`` (released by the kernel when its holder dies, so a
``kill -9`` never leaves a stale lock); within a process a re-entrant thread lock.
A writer that finds the lock taken waits up to ``timeout_s`` and then gives up with
``WriterBusyError``, whose message names the holder (“另一个导入正在进行…”).

``FileStamp``: readers keep the (inode, mtime, size) of the file they loaded and
reload when it differs; writers replace files atomically (``atomic_write_json``),
so a reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # not POSIX: the thread lock still serialises writers within one process
    fcntl = None

LOCK_NAME = ".writer.lock"
POLL_S = 0.1


class WriterBusyError(RuntimeError):
    """Another writer holds the data directory."""


def atomic_write_text(path: Path, text: str, prefix: str = ".tmp-") -> None:
    """Write ``text`` to ``path`` so that a reader or a crash sees the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_json(path: Path, data, prefix: str = ".tmp-", indent: int | None = 1) -> None:
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=indent), prefix=prefix)


class FileStamp:
    """What a reader remembers of a file it loaded, to tell when another process replaced it."""

    @staticmethod
    def of(path: Path | None):
        if path is None:
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)


class FollowsDisk:
    """A component holding files another process may replace: it reloads them (``follow``)
    unless this process is the writer, i.e. inside ``with component.writing():``."""

    _own_writes = 0

    @contextmanager
    def writing(self) -> Iterator[None]:
        self._own_writes += 1
        try:
            yield
        finally:
            self._own_writes -= 1
            if not self._own_writes:
                self._written()

    def _written(self) -> None:
        """After this process's writes: remember the files as they now are."""


class WriterLock:
    def __init__(self, data_dir: Path, timeout_s: float = 10.0):
        self.path = Path(data_dir) / LOCK_NAME
        self.timeout_s = timeout_s
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._file = None
        self._what = ""

    @property
    def held(self) -> bool:
        """True while some thread of this process holds the lock."""
        return self._depth > 0

    @contextmanager
    def hold(self, what: str, timeout_s: float | None = None) -> Iterator[None]:
        """Hold the data directory for ``what`` (e.g. "导入 ingest"); re-entrant in one thread."""
        timeout = self.timeout_s if timeout_s is None else timeout_s
        deadline = time.monotonic() + max(0.0, timeout)
        if not self._thread_lock.acquire(timeout=max(0.0, timeout)):
            raise WriterBusyError(self._busy_message(self._holder_in_process()))
        try:
            if self._depth == 0:
                self._lock_file(what, deadline)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._unlock_file()
        finally:
            self._thread_lock.release()

    # --- the file lock ------------------------------------------------------------------
    def _lock_file(self, what: str, deadline: float) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        f = open(self.path, "a+", encoding="utf-8")
        if fcntl is not None:
            while True:
                try:
                    fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        holder = self._read_holder(f)
                        f.close()
                        raise WriterBusyError(self._busy_message(holder)) from None
                    time.sleep(POLL_S)
        f.seek(0)
        f.truncate()
        f.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "what": what,
                            "since": time.strftime("%Y-%m-%d %H:%M:%S")}, ensure_ascii=False))
        f.flush()
        self._file, self._what = f, what

    def _unlock_file(self) -> None:
        f, self._file = self._file, None
        if f is None:
            return
        f.seek(0)
        f.truncate()
        f.flush()
        if fcntl is not None:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
        f.close()

    @staticmethod
    def _read_holder(f) -> dict:
        try:
            f.seek(0)
            return json.loads(f.read() or "{}")
        except (OSError, ValueError):
            return {}

    def _holder_in_process(self) -> dict:
        return {"pid": os.getpid(), "what": self._what, "since": ""}

    def _busy_message(self, holder: dict) -> str:
        who = f"进程 {holder.get('pid', '?')}" + (f"：{holder['what']}" if holder.get("what") else "")
        since = f"，自 {holder['since']} 起" if holder.get("since") else ""
        return (f"另一个导入正在进行（{who}{since}），请稍后再试；已等待 {self.timeout_s:g} 秒"
                f"（设置 ingest.lock_timeout_s）。 / Another import is running on {self.path.parent} "
                f"(pid {holder.get('pid', '?')}{', ' + holder['what'] if holder.get('what') else ''}); "
                f"try again later (waited {self.timeout_s:g} s, setting ingest.lock_timeout_s).")
