"""Reading and writing profiles: YAML/JSON files and raw form data, with every problem reported at once.

A saved file is what ``load_profile_data`` reads back: the same keys, values left
empty dropped, so a founder can keep the profile between sessions without ever
writing YAML themselves.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from assistant.profile.checks import profile_problems, rulebook_for
from assistant.profile.defaults import complete_profile
from assistant.profile.problems import ProfileError, ProfileProblem, problems_from_validation_error
from assistant.profile.schema import OrgProfile
from assistant.rules import Rulebook

_PLACEHOLDER_FIELDS: dict[str, Any] = {"name": "（未填写）", "address": "（未填写）", "purpose": "（未填写）",
                                       "registration_authority": "（未填写）", "business_scope": ["（未填写）"]}


def validate_profile_data(data: dict[str, Any], rulebook: Rulebook,
                          today: date | None = None) -> tuple[OrgProfile | None, list[ProfileProblem]]:
    """Structure and rules on raw data (YAML, JSON, a UI form); never raises.

    Returns the profile, completed from the rulebook (None when the structure is
    invalid), and every problem found.
    """
    try:
        profile = OrgProfile.model_validate(data)
    except ValidationError as error:
        problems = problems_from_validation_error(error)
        # A half-filled form: if only top-level text is missing, still run the rules
        # with placeholders so the user sees every other problem at once.
        patched = dict(data)
        for e in error.errors():
            if len(e["loc"]) == 1 and e["loc"][0] in _PLACEHOLDER_FIELDS:
                patched[e["loc"][0]] = _PLACEHOLDER_FIELDS[e["loc"][0]]
        try:
            partial = OrgProfile.model_validate(patched)
        except ValidationError:
            return None, problems
        return None, problems + [p for p in profile_problems(partial, rulebook, today=today) if p.field not in patched
                                 or patched[p.field] == data.get(p.field)]
    problems = profile_problems(profile, rulebook, today=today)
    return complete_profile(profile, rulebook_for(profile, rulebook)), problems


def load_profile_data(path: str | Path) -> dict[str, Any]:
    """Read a YAML or JSON profile file into a dict (ProfileError with a bilingual message on failure)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(f"组织概况文件不存在：{path}（profile file not found: {path}）") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"无法读取组织概况文件 {path}：{exc}（cannot read profile file {path}: {exc}）") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ProfileError(f"组织概况文件 {path} 格式错误：{exc}（profile file {path} is not valid YAML/JSON: {exc}）") from None
    if not isinstance(data, dict):
        raise ProfileError(f"组织概况文件 {path} 顶层应为键值对（profile file {path} must contain a mapping at top level）")
    return data


def load_profile(path: str | Path) -> OrgProfile:
    """Load and structurally validate a profile; rule problems are left to ``profile_problems``."""
    data = load_profile_data(path)
    try:
        return OrgProfile.model_validate(data)
    except ValidationError as error:
        problems = problems_from_validation_error(error)
        lines = "\n".join(f"  - {p.message}" for p in problems)
        raise ProfileError(
            f"组织概况文件 {path} 有 {len(problems)} 处格式问题（profile file {path} has {len(problems)} structural problem(s)）：\n{lines}",
            problems,
        ) from None


PROFILE_SUFFIXES = (".yaml", ".yml", ".json")
_FILE_HEADER = "# 组织概况（社组助手保存）：可在“章程起草”“智能填报”中载入；也可用文本编辑器修改。\n"


def _plain(value: Any) -> Any:
    """Only what YAML and JSON both write: no None, no Decimal; dates as YYYY-MM-DD."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def profile_file_text(data: dict[str, Any], suffix: str = ".yaml") -> str:
    """A profile as the text of a .yaml or .json file."""
    plain = _plain(data)
    if suffix.lower() == ".json":
        return json.dumps(plain, ensure_ascii=False, indent=2) + "\n"
    return _FILE_HEADER + yaml.safe_dump(plain, allow_unicode=True, sort_keys=False, width=120)


def save_profile_data(data: dict[str, Any], path: str | Path) -> Path:
    """Write a profile to ``path`` (.yaml/.yml or .json); ProfileError for another suffix or a failed write."""
    path = Path(path)
    if path.suffix.lower() not in PROFILE_SUFFIXES:
        raise ProfileError(f"组织概况只能保存为 YAML 或 JSON 文件：{path}（a profile is saved as .yaml or .json: {path}）")
    try:
        path.write_text(profile_file_text(data, path.suffix), encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"无法写入组织概况文件 {path}：{exc}（cannot write profile file {path}: {exc}）") from None
    return path


def keep_unasked(edited: dict[str, Any], base: dict[str, Any] | None, decided: tuple[str, ...] = ()) -> dict[str, Any]:
    """``edited`` (what a form states) with what ``base`` (the profile it was loaded from) holds beyond it.

    A form asks only part of a profile; the rest (a description, a 非国有资产 share, a
    person's other posts …) must survive an edit. Keys absent from ``edited`` keep the
    base's value, nested dicts key by key; ``decided`` names the dotted paths the form
    leaves out on purpose (the 会员 of a type that has none). Across a change of
    organization type nothing is kept: the base's extras belong to the other type.
    """
    if not base or base.get("org_type") != edited.get("org_type"):
        return edited

    def merged(e: dict[str, Any], b: dict[str, Any], prefix: str) -> dict[str, Any]:
        out = dict(e)
        for key, value in b.items():
            path = f"{prefix}{key}"
            if path in decided:
                continue
            if key not in out:
                out[key] = value
            elif isinstance(out[key], dict) and isinstance(value, dict):
                out[key] = merged(out[key], value, f"{path}.")
        return out

    return merged(edited, base, "")
