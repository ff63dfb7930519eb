"""Looking for what a deletion must not leave behind: a planted ID number, searched for
byte by byte in every file under the given folders."""

from __future__ import annotations

import random
from pathlib import Path

from assistant.text.ids import id_check_char


def planted_id_number(seed: int | None = None) -> str:
    """A valid 18-digit 居民身份证号码 that no real test data contains (random birth date and serial)."""
    rng = random.Random(seed)
    first17 = f"110105{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    return first17 + id_check_char(first17)


def files_containing(needle: str, *roots: Path) -> list[Path]:
    """Every file under ``roots`` whose bytes contain ``needle`` (UTF-8 or UTF-16)."""
    patterns = [needle.encode("utf-8"), needle.encode("utf-16-le")]
    found = []
    for root in roots:
        for path in sorted(Path(root).rglob("*")) if Path(root).is_dir() else []:
            if not path.is_file() or path.is_symlink():
                continue
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if any(p in data for p in patterns):
                found.append(path)
    return found
