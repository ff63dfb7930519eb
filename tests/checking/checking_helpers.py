"""Helpers shared by the checking tests (a uniquely named module: tests/ has no packages)."""

from __future__ import annotations

import re
from pathlib import Path


def drop_chapter(text: str, word: str) -> str:
    """The charter without the chapter whose title contains ``word``."""
    out, skipping = [], False
    for line in text.split("\n"):
        if re.match(r"^第[一二三四五六七八九十]+章", line):
            skipping = word in line
        if not skipping:
            out.append(line)
    return "\n".join(out)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
