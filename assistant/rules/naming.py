"""The naming rules for social organizations (民政部令第69号 and the three regulations), as data.

One place for what every reader of names needs: the words no name may use, the
prefixes a local organization may not take, the region a local name must start
with, and the form words (组织形式) that end a name of each type — which also
tell the checker what type a named organization is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NamingRules:
    forbidden_words: tuple[str, ...]  # no name may contain them (第一, 最高 …)
    forbidden_words_basis: str
    local_prefixes: tuple[str, ...]  # a local organization's name may not start with them (中国 …)
    local_prefixes_basis: dict[str, str]  # org type -> basis
    region_pattern: str  # a local name starts with a 行政区划 (…省 / …市 / …区 / …县)
    region_basis: str
    endings: dict[str, tuple[str, ...]]  # org type -> form words that end a name
    endings_basis: dict[str, str]
    chamber_ending: str  # 异地商会 names end with it
    extra_region_names: tuple[str, ...] = field(default=())  # a locality's short names, accepted as its region

    def local_prefix_basis(self, org_type: str) -> str:
        return self.local_prefixes_basis.get(org_type) or next(iter(self.local_prefixes_basis.values()), "")

    def forbidden_prefix(self, name: str) -> str | None:
        return next((p for p in self.local_prefixes if name.startswith(p)), None)

    def forbidden_words_in(self, name: str) -> list[str]:
        return [w for w in self.forbidden_words if w in name]

    def starts_with_region(self, name: str) -> bool:
        if name.startswith(self.extra_region_names):
            return True
        return bool(re.match(self.region_pattern, name))

    def ending(self, org_type: str, name: str) -> str | None:
        """The form word ``name`` ends with for ``org_type``, or None."""
        return next((e for e in sorted(self.endings.get(org_type, ()), key=len, reverse=True) if name.endswith(e)), None)

    def all_endings(self) -> tuple[str, ...]:
        """Every form word, longest first (for finding names in text)."""
        found = {e for words in self.endings.values() for e in words}
        return tuple(sorted(found, key=len, reverse=True))

    def type_of(self, name: str) -> tuple[str, str] | None:
        """(org type, form word) for a name, the longest matching form word winning."""
        best: tuple[str, str] | None = None
        for org_type, words in self.endings.items():
            for e in words:
                if name.endswith(e) and (best is None or len(e) > len(best[1])):
                    best = (org_type, e)
        return best

    def with_region_names(self, names: tuple[str, ...]) -> "NamingRules":
        return NamingRules(**{**self.__dict__, "extra_region_names": tuple(names)})


def parse_naming(raw: dict[str, Any]) -> NamingRules:
    """The ``names:`` section of the law file (ValueError names a missing key)."""
    try:
        return NamingRules(
            forbidden_words=tuple(raw["forbidden_words"]["words"]),
            forbidden_words_basis=str(raw["forbidden_words"]["basis"]),
            local_prefixes=tuple(raw["local_prefixes"]["words"]),
            local_prefixes_basis={str(k): str(v) for k, v in raw["local_prefixes"]["basis"].items()},
            region_pattern=str(raw["region"]["pattern"]),
            region_basis=str(raw["region"]["basis"]),
            endings={str(k): tuple(v["words"]) for k, v in raw["endings"].items()},
            endings_basis={str(k): str(v["basis"]) for k, v in raw["endings"].items()},
            chamber_ending=str(raw["chamber_ending"]),
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"names 部分缺少 {exc}") from None
