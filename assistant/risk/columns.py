"""Which column of an export is which field: the column-mapping data (corpus/risk/columns.yaml).

Headers are matched by name only, as the mapping file writes them, after a normalisation
(spaces, ``*`` marks, full-width forms and bracketed notes such as （元） or （负责人） do not
count). A two-row header (merged cells: 换届情况 over 本届起始日期 …) is matched as "上层/下层"
first, then as the two written together (法定代表人 + 出生日期), then by the lower name alone.
A header no name matches is reported as unknown and ignored; a field no header matches is
reported as missing. Nothing is guessed from the values.

    columns = ColumnMap.load(Path("corpus/risk/columns.yaml"), extra=Path("my_layout.yaml"))
    mapping = columns.map_headers(headers, "registry")   # HeaderMapping: field -> column, unknown, duplicates
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.text.chars import nfkc

TABLE_KINDS = ("registry", "annual", "penalties")
FIELD_TYPES = ("text", "code", "org_type", "date", "year", "int", "amount", "yesno")
_BRACKETED = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_NOISE = re.compile(r"[\s*＊:：]+")


class ColumnMapError(ValueError):
    """A column-mapping file that cannot be used; the message names the file and the entry."""


def normalize_header(text: Any) -> str:
    """The form headers are compared in: 注册资金（元） -> 注册资金, ' 法定代表人 * ' -> 法定代表人."""
    folded = nfkc(str(text or ""))
    return _NOISE.sub("", _BRACKETED.sub("", folded))


def header_unit(text: Any) -> str | None:
    """The amount unit a header states: 总收入（万元） -> 万元, 总收入（元） -> 元, 总收入 -> None."""
    folded = nfkc(str(text or ""))
    for note in _BRACKETED.findall(folded) + [folded]:
        if "万元" in note:
            return "万元"
    return "元" if re.search(r"[（(]\s*元\s*[）)]", folded) else None


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    tables: tuple[str, ...]
    type: str
    names: tuple[str, ...]  # normalised; "上层/下层" names keep the slash
    null: frozenset[str] = frozenset()
    absent_empty: bool = False  # a file without this column has no such records (read as blank)
    required: bool = False  # a table without this column cannot be screened


@dataclass
class Header:
    """One column of a table as the file writes it."""

    index: int
    text: str  # as written (for a two-row header: "上层/下层")
    leaf: str  # normalised lower (or only) name
    group: str = ""  # normalised upper name of a two-row header
    letter: str = ""  # the spreadsheet column letter (A, B, … AA)

    @property
    def unit(self) -> str | None:
        return header_unit(self.text)


@dataclass
class HeaderMapping:
    kind: str
    columns: dict[str, Header] = field(default_factory=dict)  # field key -> its column
    unknown: list[Header] = field(default_factory=list)
    duplicates: list[tuple[Header, str]] = field(default_factory=list)  # (column, field key it repeats)

    def missing(self, columns: "ColumnMap") -> list[Field]:
        return [f for f in columns.fields_of(self.kind) if f.key not in self.columns]


@dataclass
class ColumnMap:
    fields: dict[str, Field]
    table_labels: dict[str, str]
    markers: dict[str, tuple[str, ...]]
    true_words: frozenset[str]
    false_words: frozenset[str]
    sources: tuple[Path, ...] = ()
    reports: dict[str, Any] = field(default_factory=dict)  # how annual reports name their figures

    @classmethod
    def load(cls, path: Path, extra: Path | None = None) -> "ColumnMap":
        data = _read(path)
        fields = {}
        for key, raw in (data.get("fields") or {}).items():
            fields[str(key)] = _parse_field(str(key), raw, path.name)
        if extra is not None:
            _apply_extra(fields, _read(extra), extra.name)
        tables = data.get("tables") or {}
        values = data.get("values") or {}
        columns = cls(
            fields=fields,
            table_labels={k: str((tables.get(k) or {}).get("label", k)) for k in TABLE_KINDS},
            markers={k: tuple((tables.get(k) or {}).get("markers") or ()) for k in TABLE_KINDS},
            true_words=frozenset(nfkc(str(w)).upper() for w in values.get("true_words") or ()),
            false_words=frozenset(nfkc(str(w)).upper() for w in values.get("false_words") or ()),
            sources=(path,) + ((extra,) if extra else ()),
            reports=dict(data.get("reports") or {}),
        )
        columns._check_names()
        return columns

    def fields_of(self, kind: str) -> list[Field]:
        return [f for f in self.fields.values() if kind in f.tables]

    def _check_names(self) -> None:
        for kind in TABLE_KINDS:
            seen: dict[str, str] = {}
            for f in self.fields_of(kind):
                for name in f.names:
                    other = seen.setdefault(name, f.key)
                    if other != f.key:
                        raise ColumnMapError(f"列名“{name}”同时属于 {other} 和 {f.key}（{kind}）/ column name {name!r} "
                                             f"is given to both {other} and {f.key} in the {kind} table")

    # --- matching ---------------------------------------------------------------------
    def _candidates(self, header: Header, kind: str) -> str | None:
        """The field a header names, trying the qualified, joined and plain forms in that order."""
        fields = self.fields_of(kind)
        if header.group:
            for f in fields:
                for name in f.names:
                    if "/" in name:
                        upper, lower = name.split("/", 1)
                        if lower == header.leaf and upper in header.group:
                            return f.key
            joined = header.group + header.leaf
            for f in fields:
                if joined in f.names:
                    return f.key
        for f in fields:
            if header.leaf in f.names:
                return f.key
        return None

    def table_kind(self, headers: list[Header]) -> str:
        """annual / penalties when a marker column of that table is present, else registry."""
        for kind in ("annual", "penalties"):
            if any(self._candidates(h, kind) in self.markers[kind] for h in headers):
                return kind
        return "registry"

    def map_headers(self, headers: list[Header], kind: str) -> HeaderMapping:
        mapping = HeaderMapping(kind)
        for header in headers:
            if not header.leaf:
                continue  # an empty header cell over an empty column
            key = self._candidates(header, kind)
            if key is None:
                mapping.unknown.append(header)
            elif key in mapping.columns:
                mapping.duplicates.append((header, key))
            else:
                mapping.columns[key] = header
        return mapping


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ColumnMapError(f"列名对照文件 {Path(path).name} 无法读取：{exc} / cannot read the column mapping {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ColumnMapError(f"列名对照文件 {Path(path).name} 格式错误 / the column mapping {path} is not a mapping")
    return data


def _names(raw: Any) -> tuple[str, ...]:
    out = []
    for name in raw or ():
        parts = [normalize_header(p) for p in str(name).split("/", 1)]
        out.append("/".join(parts))
    return tuple(dict.fromkeys(n for n in out if n))


def _parse_field(key: str, raw: Any, source: str) -> Field:
    if not isinstance(raw, dict):
        raise ColumnMapError(f"{source}：字段 {key} 应为键值对 / field {key} in {source} is not a mapping")
    tables = tuple(raw.get("tables") or ())
    ftype = str(raw.get("type", "text"))
    bad = [t for t in tables if t not in TABLE_KINDS]
    if not tables or bad or ftype not in FIELD_TYPES:
        raise ColumnMapError(f"{source}：字段 {key} 的 tables 或 type 有误 / field {key} in {source}: bad tables or type")
    names = _names(raw.get("names"))
    if not names:
        raise ColumnMapError(f"{source}：字段 {key} 没有列名 / field {key} in {source} has no names")
    return Field(key=key, label=str(raw.get("label") or raw["names"][0]), tables=tables, type=ftype, names=names,
                 null=frozenset(nfkc(str(w)) for w in raw.get("blank") or ()), absent_empty=raw.get("absent") == "empty",
                 required=bool(raw.get("required")))


def _apply_extra(fields: dict[str, Field], data: dict[str, Any], source: str) -> None:
    """A layout file adds names in front of the shipped ones: ``fields: {key: {names: […]}}`` or
    ``columns: {列名: key}``."""
    extra: dict[str, list[str]] = {}
    for key, raw in (data.get("fields") or {}).items():
        extra.setdefault(str(key), []).extend((raw or {}).get("names") or [])
    for header, key in (data.get("columns") or {}).items():
        extra.setdefault(str(key), []).append(str(header))
    for key, names in extra.items():
        if key not in fields:
            raise ColumnMapError(f"{source}：没有名为 {key} 的字段（可用：{'、'.join(fields)}）/ {source}: unknown field {key!r}")
        old = fields[key]
        added = _names(names)
        kept = tuple(n for n in old.names if n not in added)
        for other in fields.values():  # a name moved to this field leaves the field it belonged to
            if other.key != key and any(n in other.names for n in added):
                fields[other.key] = Field(**{**other.__dict__, "names": tuple(n for n in other.names if n not in added)})
        fields[key] = Field(**{**old.__dict__, "names": added + kept})
