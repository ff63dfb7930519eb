"""Example profiles to start from, one per organization type (corpus/profiles/*.yaml).

The files name no place: ``{locality}``, ``{district}`` and ``{authority}`` in any
string become the configured locality's name, its first district and its
registration authority, so one set of examples serves every locality. A file that
cannot be read is reported (named) and the others are still offered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.profile.files import load_profile_data
from assistant.profile.problems import ProfileError
from assistant.rules import Rulebook

_ORDER_PREFIX = re.compile(r"^\d+[_\-\s]*")


@dataclass(frozen=True)
class ExampleProfile:
    key: str  # the file stem, e.g. "02_行业协会"
    title: str  # "行业协会：某某市智能制造行业协会"
    data: dict[str, Any]  # raw profile data, place names filled in
    path: Path


def _placed(value: Any, places: dict[str, str]) -> Any:
    if isinstance(value, str):
        return re.sub(r"\{(locality|district|authority)\}", lambda m: places[m.group(1)], value)
    if isinstance(value, list):
        return [_placed(v, places) for v in value]
    if isinstance(value, dict):
        return {k: _placed(v, places) for k, v in value.items()}
    return value


def _places(rulebook: Rulebook) -> dict[str, str]:
    here = rulebook.locality
    return {"locality": here.name, "district": here.districts[0] if here.districts else "",
            "authority": here.registration_authority or f"{here.name}民政局"}


def load_example(path: str | Path, rulebook: Rulebook) -> ExampleProfile:
    """One example file with the locality's place names filled in (ProfileError names the file)."""
    path = Path(path)
    data = _placed(load_profile_data(path), _places(rulebook))
    label = _ORDER_PREFIX.sub("", path.stem)
    return ExampleProfile(key=path.stem, title=f"{label}：{data.get('name', '')}", data=data, path=path)


def example_profiles(directory: str | Path, rulebook: Rulebook) -> tuple[list[ExampleProfile], list[str]]:
    """Every example in ``directory`` (sorted by file name) and one bilingual error per unreadable file."""
    directory = Path(directory)
    examples: list[ExampleProfile] = []
    errors: list[str] = []
    if not directory.is_dir():
        return [], [f"示例组织概况目录不存在：{directory}（example profile folder not found: {directory}）"]
    for path in sorted(directory.glob("*.y*ml")):
        try:
            examples.append(load_example(path, rulebook))
        except ProfileError as exc:
            errors.append(str(exc))
    return examples, errors
