"""Staff decisions on city ↔ district links, kept in one JSON file in the data directory.

A pair of notices is keyed by both documents' titles and 文号 (not their paths),
so decisions survive moving or re-ingesting the files. Each decision is
``confirmed`` (keep the link, even below the thresholds), ``removed`` (never show
it again) or ``added`` (a link the aligner did not propose).
"""

from __future__ import annotations

import json
import time
from contextlib import nullcontext
from pathlib import Path

from assistant.kb.datadir import WriterLock, atomic_write_json
from assistant.versions.align import Alignment, Link
from assistant.versions.diff import DocumentRef

DECISIONS = ("confirmed", "removed", "added")


def pair_key(city: DocumentRef, district: DocumentRef) -> str:
    def name(ref: DocumentRef) -> str:
        return ref.title + (f"（{ref.doc_number}）" if ref.doc_number else "")

    return f"{name(city)} ⇐ {name(district)}"


class ReviewStore:
    """Decisions are read, changed and written back under the data directory's writer lock
    (when one is given), so two staff members deciding at once both keep their decision."""

    def __init__(self, path: Path, lock: WriterLock | None = None):
        self.path = path
        self.lock = lock

    def _load(self) -> dict:
        if not self.path.is_file():
            return {"version": 1, "pairs": {}}
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return {"version": 1, "pairs": {}}

    def decisions(self, pair: str) -> dict[str, dict]:
        """"district|city" → {"decision": …, "at": …}."""
        return dict((self._load().get("pairs") or {}).get(pair, {}))

    def decide(self, pair: str, district_key: str, city_key: str, decision: str | None) -> None:
        """Record (or with None, forget) a decision on one link."""
        if decision is not None and decision not in DECISIONS:
            raise ValueError(f"决定只能是 {'/'.join(DECISIONS)}，不能是“{decision}” / unknown decision '{decision}'")
        with self.lock.hold("市区对照决定 alignment review") if self.lock else nullcontext():
            self._decide(pair, district_key, city_key, decision)

    def _decide(self, pair: str, district_key: str, city_key: str, decision: str | None) -> None:
        data = self._load()
        links = data.setdefault("pairs", {}).setdefault(pair, {})
        key = f"{district_key}|{city_key}"
        if decision is None:
            links.pop(key, None)
        else:
            links[key] = {"decision": decision, "at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        atomic_write_json(self.path, data, prefix=".reviews-")


def apply_reviews(alignment: Alignment, decisions: dict[str, dict]) -> Alignment:
    """Confirmed links marked, removed links moved aside, added links inserted (in place)."""
    items = {item.unit.key: item for item in alignment.items}
    city_keys = {u.key for u in alignment.city_units}
    for key, row in decisions.items():
        district_key, _, city_key = key.partition("|")
        item = items.get(district_key)
        if item is None or city_key not in city_keys:
            alignment.notes.append(f"人工决定“{district_key} → {city_key}”对应的条目已不存在，未应用 / "
                                   f"staff decision on {district_key} → {city_key} refers to a missing item")
            continue
        decision = row.get("decision")
        existing = next((link for link in item.links if link.city == city_key), None)
        if decision == "removed":
            if existing:
                item.links.remove(existing)
                existing.review = "removed"
                alignment.removed.append(existing)
        elif existing:
            existing.review = "confirmed"
        else:
            item.links.append(Link(district=district_key, city=city_key, score=0.0, similarity=0.0, review="added"))
    return alignment
