"""The field's vocabulary: words a Chinese tokenizer must keep whole (社会组织, 登记管理机关 …).

Data, not code (corpus/_domain_words.yaml); ``Services`` hands the list to the
keyword index, and Q&A's term extraction reads the same list.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from assistant.settings import PROJECT_ROOT

DEFAULT_FILE = PROJECT_ROOT / "corpus" / "_domain_words.yaml"


@lru_cache(maxsize=8)
def domain_words(path: Path = DEFAULT_FILE) -> tuple[str, ...]:
    """The words in a domain-words file, in file order (empty when the file is absent)."""
    path = Path(path)
    if not path.is_file():
        return ()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"领域词文件 {path} 无法读取：{exc} / cannot read domain words file {path}: {exc}") from None
    return tuple(str(w) for w in data.get("words") or ())
