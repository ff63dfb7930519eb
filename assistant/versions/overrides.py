"""Validity set by the user: in the 知识库 tab (kept in the data directory) or in a
sidecar file next to the document (``<file>.validity.yaml``).

What the user sets wins over what the text says, and both survive re-ingesting the
document: overrides are keyed by the document's source name, not by its content.
Of the two, the one set in the UI wins over the sidecar (it is the later intent).

Sidecar format (Chinese or English keys; every key optional)::

    valid_from: 2024-09-05     # 施行日期
    valid_to: 2030-01-01       # 失效日期 / 废止日期: first day no longer in force
    status: 已废止              # 状态: 现行有效 | 已废止 (empty: as the documents say)
    version_of: 慈善法          # 版本系列: join this chain ("-": stand alone)
    note: 2023年修正自2024年9月5日起施行   # 备注
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from assistant.kb.datadir import atomic_write_json
from assistant.versions.asof import IN_FORCE, REPEALED, parse_date

SIDECAR_SUFFIX = ".validity.yaml"
USER_STATUSES = ("", IN_FORCE, REPEALED)
KEY_ALIASES = {
    "valid_from": ("valid_from", "施行日期", "生效日期"),
    "valid_to": ("valid_to", "失效日期", "废止日期"),
    "status": ("status", "状态"),
    "version_of": ("version_of", "版本系列"),
    "note": ("note", "备注"),
}
STANDALONE = "-"


class OverrideError(ValueError):
    """A bad override value or sidecar file; the message names the file and the problem."""


@dataclass
class Override:
    valid_from: str = ""
    valid_to: str = ""
    status: str = ""
    version_of: str = ""
    note: str = ""
    origin: str = "user"  # user | sidecar
    updated_at: str = ""

    def is_empty(self) -> bool:
        return not any((self.valid_from, self.valid_to, self.status, self.version_of, self.note))

    def to_dict(self) -> dict:
        return asdict(self)


def _iso(value, what: str, where: str) -> str:
    try:
        d = parse_date(value)
    except ValueError as exc:
        raise OverrideError(f"{where}：{what}{exc}") from None
    return d.isoformat() if d else ""


def make_override(where: str = "", origin: str = "user", **values) -> Override:
    """An Override from raw values (dates as text or dates), checked; raises OverrideError."""
    status = str(values.get("status") or "").strip()
    if status not in USER_STATUSES:
        raise OverrideError(f"{where}：状态只能是“{IN_FORCE}”或“{REPEALED}”（或留空），不能是“{status}” / "
                            f"status must be '{IN_FORCE}' or '{REPEALED}' (or empty), not '{status}'")
    override = Override(
        valid_from=_iso(values.get("valid_from"), "施行日期", where),
        valid_to=_iso(values.get("valid_to"), "失效日期", where),
        status=status,
        version_of=str(values.get("version_of") or "").strip(),
        note=str(values.get("note") or "").strip(),
        origin=origin,
        updated_at=time.strftime("%Y-%m-%dT%H:%M:%S"),
    )
    if override.valid_from and override.valid_to and override.valid_to <= override.valid_from:
        raise OverrideError(f"{where}：失效日期 {override.valid_to} 不晚于施行日期 {override.valid_from} / "
                            f"valid_to must be after valid_from")
    return override


def sidecar_paths(document: Path) -> list[Path]:
    """``慈善法(2023-12-29).md.validity.yaml`` or ``慈善法(2023-12-29).validity.yaml``."""
    return [document.with_name(document.name + SIDECAR_SUFFIX), document.with_name(document.stem + SIDECAR_SUFFIX)]


def read_sidecar(document: Path) -> Override | None:
    """The sidecar override of ``document``, None when it has none; raises OverrideError."""
    for path in sidecar_paths(document):
        if not path.is_file():
            continue
        where = f"文件“{path.name}”"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise OverrideError(f"{where}无法读取或不是有效的 YAML（{exc}） / File '{path.name}' is not valid YAML") from None
        if not isinstance(data, dict):
            raise OverrideError(f"{where}应当是“键: 值”形式 / File '{path.name}' must be a mapping of keys to values")
        values = {}
        for key, aliases in KEY_ALIASES.items():
            for alias in aliases:
                if alias in data:
                    values[key] = data[alias]
        return make_override(where, origin="sidecar", **values)
    return None


class OverrideStore:
    """Overrides set in the UI or the CLI, one JSON file in the data directory, replaced
    atomically; callers hold the data directory's writer lock (VersionsService.set_validity)."""

    def __init__(self, path: Path):
        self.path = path

    def load(self) -> dict[str, Override]:
        if not self.path.is_file():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return {}
        fields = set(Override.__dataclass_fields__)
        return {source: Override(**{k: v for k, v in row.items() if k in fields})
                for source, row in (data.get("overrides") or {}).items()}

    def set(self, source: str, override: Override | None) -> None:
        """Store (or, for None / an empty override, remove) the user's override of ``source``."""
        rows = {s: o.to_dict() for s, o in self.load().items()}
        if override is None or override.is_empty():
            rows.pop(source, None)
        else:
            rows[source] = override.to_dict()
        atomic_write_json(self.path, {"version": 1, "overrides": rows}, prefix=".validity-")
