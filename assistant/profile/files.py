"""Reading profiles: YAML/JSON files and raw form data, with every problem reported at once."""

from __future__ import annotations

import json
from datetime import date
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
