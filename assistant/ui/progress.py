"""Progress for long UI actions: which stage runs, and a clock that keeps moving.

A stage that waits (a model loading, the first token of a slow model) sends nothing for
many seconds, and a screen that does not change looks hung. ``with_ticks`` runs a stream in
a worker thread and yields ``TICK`` whenever nothing arrived for ``every`` seconds, so the
handler can redraw the elapsed time; ``stages_html`` draws 检索 → 选取原文 → 生成 with the
current stage marked.
"""

from __future__ import annotations

import html
import queue
import threading
from typing import Callable, Iterable, Iterator

TICK = object()
_DONE = object()


def with_ticks(make_stream: Callable[[], Iterable], every: float = 1.0) -> Iterator:
    """The items of ``make_stream()`` (called in the worker thread: a slow set-up is ticked too),
    with ``TICK`` between them while waiting; an exception in the stream is raised here."""
    items: queue.Queue = queue.Queue()

    def produce():
        try:
            for item in make_stream():
                items.put(item)
        except BaseException as exc:  # handed to the consumer, which raises it
            items.put(_Failure(exc))
        finally:
            items.put(_DONE)

    threading.Thread(target=produce, daemon=True, name="szzs-progress").start()
    while True:
        try:
            item = items.get(timeout=every)
        except queue.Empty:
            yield TICK
            continue
        if item is _DONE:
            return
        if isinstance(item, _Failure):
            raise item.exc
        yield item


class _Failure:
    def __init__(self, exc: BaseException):
        self.exc = exc


def stages_html(steps: list[tuple[str, str]], current: str, message: str, seconds: float) -> str:
    """``steps``: (stage key, label) in order; the ones before ``current`` are done."""
    keys = [key for key, _ in steps]
    at = keys.index(current) if current in keys else -1
    parts = []
    for i, (_, label) in enumerate(steps):
        state = "done" if i < at else "now" if i == at else "todo"
        parts.append(f'<span class="step {state}">{html.escape(label)}</span>')
    bar = '<span class="szzs-stages">' + " → ".join(parts) + "</span>"
    return (f'<div class="meta szzs-stage">{bar} <span class="szzs-stage-text">{html.escape(message)}'
            f"（已用时 {seconds:.1f} 秒）</span></div>")
