"""Files the UI receives and writes: only what this server received may be read, and
nothing stays behind.

* One private folder per UI process (``szzs-ui-…`` under ``ui.temp_dir`` or the system's
  temp folder, mode 0700), removed when the UI stops. Gradio keeps its uploads and its
  copies of our downloads in ``<root>/gradio`` (``GRADIO_TEMP_DIR``); the process's other
  temporary files go to ``<root>`` too, our working folders to ``<root>/work``.
* ``ReceivedFile``: every file input of the app (``guard_file_inputs`` turns each
  ``gr.File`` of the built app into one, so a new tab needs no code of its own) refuses,
  with a clear error, any path outside that upload folder: a client cannot make the UI
  read a server file by naming it. (Gradio 6 refuses such paths itself; this does not
  depend on it, nor on Gradio's upload folder being private to us.)
* ``UiFiles.used(files)``: after a check, fill, diff … run, the uploaded files are deleted
  (both of Gradio's copies) unless ``ui.keep_uploads_s`` keeps them; ``output_dir`` is where
  a run writes what it offers for download, deleted with Gradio's copy after
  ``ui.keep_downloads_s`` by a sweeper thread.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import gradio as gr
from gradio import component_meta
from gradio import utils as gradio_utils
from gradio.data_classes import FileData, ListFiles

from assistant.kb.uploads import file_digest
from assistant.settings import Settings, load_settings

# Input components that could carry a file; the app uses gr.File only (guarded below).
OTHER_UPLOADS = (gr.UploadButton, gr.Image, gr.Audio, gr.Video, gr.Gallery, gr.MultimodalTextbox,
                 gr.Model3D, gr.ImageEditor)


def refused_message(name: str) -> str:
    return (f"文件“{name}”不是通过本页面上传的文件，已拒绝读取。 / "
            f"File '{name}' was not uploaded through this page and is refused.")


def check_received(path: str | Path, name: str = "") -> Path:
    """``path`` if Gradio received it in this server's upload folder, else gr.Error."""
    real = Path(path).resolve()
    root = Path(gradio_utils.get_upload_folder()).resolve()
    if not real.is_relative_to(root) or not real.is_file():
        raise gr.Error(refused_message(name or Path(str(path)).name))
    return real


@contextmanager
def _no_stub_files() -> Iterator[None]:
    """Gradio writes a .pyi stub (editor hints) next to every module that defines a component
    class, i.e. into our source tree at import time; not for this one."""
    write_stub = component_meta.create_or_modify_pyi
    component_meta.create_or_modify_pyi = lambda *args, **kwargs: None
    try:
        yield
    finally:
        component_meta.create_or_modify_pyi = write_stub


with _no_stub_files():
    class ReceivedFile(gr.File):
        """A gr.File that only lets through files this server received (see the module notes)."""

        is_template = True  # shown as a gr.File in the browser

        def preprocess(self, payload: ListFiles | FileData | None):
            if payload is not None:
                for f in (payload.root if isinstance(payload, ListFiles) else [payload]):
                    check_received(f.path, f.orig_name or "")
            return super().preprocess(payload)


def guard_file_inputs(app: gr.Blocks) -> int:
    """Make every gr.File of ``app`` a ReceivedFile; refuse other upload components. Returns the count."""
    guarded = 0
    for block in app.blocks.values():
        if type(block) is gr.File:
            block.__class__ = ReceivedFile
        if isinstance(block, ReceivedFile):
            guarded += 1
    for fn in app.fns.values():
        for component in fn.inputs:
            if isinstance(component, OTHER_UPLOADS):
                raise TypeError(f"{type(component).__name__} (elem_id {component.elem_id!r}) takes files without "
                                f"the upload guard; use gr.File (assistant/ui/files.py)")
    return guarded


def paths_of(value) -> list[Path]:
    """The file paths a gr.File handler received (a path, a list of them, or None)."""
    if not value:
        return []
    values = value if isinstance(value, (list, tuple)) else [value]
    return [Path(v if isinstance(v, str) else v.name) for v in values]


class UiFiles:
    def __init__(self, settings: Settings):
        cfg = settings.ui
        base = cfg.temp_dir
        if base is not None:
            Path(base).mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix="szzs-ui-", dir=base))
        self.uploads = self.root / "gradio"
        self.work = self.root / "work"
        self.uploads.mkdir()
        self.work.mkdir()
        self.keep_uploads_s = cfg.keep_uploads_s
        self.keep_downloads_s = max(cfg.keep_downloads_s, cfg.keep_uploads_s)
        self.sweep_every_s = cfg.sweep_every_s
        self._kept: dict[Path, float] = {}  # uploads to delete later (keep_uploads_s > 0)
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def activate(self) -> "UiFiles":
        """Point Gradio and the process's temporary files here; clean up at exit and periodically."""
        os.environ["GRADIO_TEMP_DIR"] = str(self.uploads)
        os.environ["TMPDIR"] = str(self.root)
        tempfile.tempdir = str(self.root)
        atexit.register(self.remove_all)
        threading.Thread(target=self._sweep_loop, name="szzs-ui-files", daemon=True).start()
        return self

    # --- what a run reads and writes ----------------------------------------------------
    def used(self, value) -> None:
        """The run that read these uploads is over: delete them (both of Gradio's copies), or
        keep them ``keep_uploads_s`` seconds."""
        for path in paths_of(value):
            if not path.resolve().is_relative_to(self.uploads.resolve()):
                continue
            if self.keep_uploads_s:
                with self._lock:
                    self._kept[path] = time.time()
            else:
                self._remove_upload(path)

    @contextmanager
    def reading(self, value) -> Iterator[list[Path]]:
        """The uploaded files of ``value`` for the duration of one run, deleted after it."""
        try:
            yield paths_of(value)
        finally:
            self.used(value)

    def output_dir(self, prefix: str) -> Path:
        """A fresh folder for what a run offers for download (removed after keep_downloads_s)."""
        return Path(tempfile.mkdtemp(prefix=prefix, dir=self.work))

    # --- deleting ---------------------------------------------------------------------------
    def _remove_upload(self, path: Path) -> None:
        """Delete Gradio's copies of an upload: the one handed to us and the one its upload
        route wrote first (same name and content, another hash folder)."""
        if not path.is_file():
            return
        size, digest = path.stat().st_size, file_digest(path)
        for candidate in self.uploads.glob(f"*/{glob.escape(path.name)}"):
            try:
                if candidate == path or (candidate.stat().st_size == size and file_digest(candidate) == digest):
                    _remove_file_and_folder(candidate, self.uploads)
            except OSError:
                continue

    def sweep(self, now: float | None = None) -> None:
        """Delete kept uploads past keep_uploads_s and everything else past keep_downloads_s."""
        now = now or time.time()
        with self._lock:
            due = [p for p, t in self._kept.items() if now - t >= self.keep_uploads_s]
            for p in due:
                del self._kept[p]
        for path in due:
            self._remove_upload(path)
        for folder in (self.uploads, self.work):
            for entry in folder.iterdir() if folder.is_dir() else []:
                try:
                    if now - entry.stat().st_mtime >= self.keep_downloads_s:
                        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
                except OSError:
                    continue

    def _sweep_loop(self) -> None:
        while not self._stop.wait(self.sweep_every_s):
            try:
                self.sweep()
            except OSError:
                pass

    def remove_all(self) -> None:
        self._stop.set()
        shutil.rmtree(self.root, ignore_errors=True)


def _remove_file_and_folder(path: Path, root: Path) -> None:
    path.unlink(missing_ok=True)
    folder = path.parent
    if folder != root and folder.parent == root and not any(folder.iterdir()):
        folder.rmdir()


_current: UiFiles | None = None


def setup(settings: Settings) -> UiFiles:
    """The UI process's files (created and activated once, before the app's components)."""
    global _current
    if _current is None:
        _current = UiFiles(settings).activate()
    return _current


def current() -> UiFiles:
    return _current or setup(load_settings())


def used(value) -> None:
    current().used(value)


def reading(value):
    return current().reading(value)


def output_dir(prefix: str) -> Path:
    return current().output_dir(prefix)

