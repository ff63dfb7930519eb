"""VersionsService: validity of the knowledge base's documents, version diffs and
city ↔ district alignment, shared by the CLI, the UI and the eval.

Documents are named by a file path, or by what the knowledge base knows them by
(source name, doc id, or a title that only one document has).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from assistant.kb.datadir import WriterLock
from assistant.settings import Settings
from assistant.versions.align import Alignment, align_units, higher_level_first
from assistant.versions.asof import date_int, status_on
from assistant.versions.chains import Validity
from assistant.versions.diff import DiffResult, DocumentRef, diff_units
from assistant.versions.overrides import OverrideStore, make_override
from assistant.versions.reviews import ReviewStore, apply_reviews, pair_key
from assistant.versions.units import UnitDocument, read_units


class DocumentNotFound(LookupError):
    pass


class VersionsService:
    def __init__(self, settings: Settings, ingest_factory: Callable, overrides: OverrideStore,
                 reviews: ReviewStore | None = None):
        self.settings = settings
        self._ingest_factory = ingest_factory
        self.overrides = overrides
        self.reviews = reviews or ReviewStore(settings.alignment_reviews_path,
                                              lock=WriterLock(settings.data_dir, settings.ingest.lock_timeout_s))

    @property
    def ingest(self):
        return self._ingest_factory()

    # --- validity of indexed documents --------------------------------------------
    def validity(self, source: str) -> Validity | None:
        entry = self.ingest.manifest["files"].get(source)
        return Validity.from_dict(entry["validity"]) if entry and entry.get("validity") else None

    def documents(self, as_of=None) -> list[dict]:
        """One row per indexed document: its facts, status on ``as_of`` (today) and version chain."""
        as_of_int = date_int(as_of)
        files = self.ingest.manifest["files"]
        rows = []
        for doc in self.ingest.documents():
            v = Validity.from_dict(doc["validity"]) if doc.get("validity") else None
            row = dict(doc)
            row.pop("validity", None)
            if v is None:
                row.update(status="", valid_from="", valid_to="", chain="", successor="", set_by="", note="",
                           problems=[])
            else:
                row.update(
                    status=status_on(v.metadata(), as_of_int),
                    valid_from=v.valid_from,
                    valid_to=v.valid_to,
                    chain=self.chain_label(v, files),
                    successor=v.superseded_by_label or v.repealed_by_label,
                    set_by="用户设定" if v.overridden() else "自动识别",
                    note=v.note,
                    problems=v.problems,
                )
            rows.append(row)
        return rows

    @staticmethod
    def chain_label(v: Validity, files: dict) -> str:
        """"2016-03-16 → 【2023-12-29】": the versions of the series, this one in brackets."""
        if len(v.chain) < 2:
            return ""
        parts = []
        for source in v.chain:
            other = (files.get(source) or {}).get("validity") or {}
            when = other.get("version_date") or other.get("valid_from") or "?"
            parts.append(f"【{when}】" if source == v.source else when)
        return " → ".join(parts)

    def set_validity(self, source: str, **values) -> Validity:
        """Set (all values empty: clear) the user's override of ``source``; raises OverrideError."""
        if source not in self.ingest.manifest["files"]:
            raise DocumentNotFound(f"知识库中没有“{source}” / '{source}' is not in the knowledge base")
        override = make_override(f"“{source}”", origin="user", **values)
        with self.ingest.writing(f"设定文件效力 validity {source}"):
            self.overrides.set(source, override)
            self.ingest.refresh()
        return self.validity(source)

    # --- loading documents ----------------------------------------------------------
    def resolve_path(self, ref: str | Path) -> Path:
        path = Path(ref)
        if path.is_file():
            return path
        files = self._manifest_files()
        matches = [e for s, e in files.items() if str(ref) in (s, e.get("doc_id"))]
        if not matches:
            matches = [e for e in files.values() if e.get("info", {}).get("title") == str(ref)]
        if len(matches) == 1 and Path(matches[0]["path"]).is_file():
            return Path(matches[0]["path"])
        if len(matches) > 1:
            names = "、".join(sorted(e["info"].get("source", e["path"]) for e in matches))
            raise DocumentNotFound(f"“{ref}”对应多个文件（{names}），请写出文件路径 / '{ref}' matches several files")
        raise DocumentNotFound(f"找不到文件“{ref}”（既不是文件路径，也不是知识库中的文件） / "
                               f"'{ref}' is neither a file nor a document of the knowledge base")

    def _manifest_files(self) -> dict:
        """The manifest read directly: naming a document must not load the embedding model."""
        try:
            return json.loads(self.settings.manifest_path.read_text(encoding="utf-8")).get("files", {})
        except (OSError, ValueError):
            return {}

    def load(self, ref: str | Path) -> UnitDocument:
        path = self.resolve_path(ref)
        return read_units(path, source=str(ref) if not Path(ref).is_file() else str(path))

    # --- diff and alignment -----------------------------------------------------------
    def diff(self, old: str | Path, new: str | Path) -> DiffResult:
        return diff_units(self.load(old), self.load(new))

    def align(self, city: str | Path, district: str | Path, apply_staff: bool = True) -> Alignment:
        upper, lower, swapped = higher_level_first(self.load(city), self.load(district))
        alignment = align_units(upper, lower)
        if swapped:
            alignment.notes.append("两份文件的顺序已按发文机关级别调换：市级在前，区级在后 / "
                                   "the documents were swapped by issuing level (city first)")
        if apply_staff:
            apply_reviews(alignment, self.reviews.decisions(self.pair(alignment)))
        return alignment

    @staticmethod
    def pair(alignment: Alignment) -> str:
        return pair_key(alignment.city, alignment.district)

    def review(self, city: DocumentRef, district: DocumentRef, district_key: str, city_key: str,
               decision: str | None) -> None:
        """Staff decision on one link: confirmed | removed | added, or None to forget it."""
        self.reviews.decide(pair_key(city, district), district_key, city_key, decision)
