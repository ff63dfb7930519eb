"""Version chains and each document's resolved validity.

    facts of every document (validity.py) + user overrides (overrides.py)
      ─ series: documents with the same title stem, oldest version first
      ─ each version is in force until the next one is (已修订)
      ─ “…《X》同时废止” ends every earlier version of X (已废止)
      ─ user overrides last: their dates and status win

``valid_to`` is exclusive: the first day a text is no longer in force.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from assistant.versions.asof import (IN_FORCE, REPEALED, UNKNOWN_END, date_int, iso_int, status_on)
from assistant.versions.overrides import STANDALONE, Override
from assistant.versions.validity import ValidityFacts


@dataclass
class DocumentFacts:
    source: str
    title: str
    facts: ValidityFacts
    sidecar: Override | None = None
    problems: list[str] = field(default_factory=list)  # e.g. a sidecar that could not be read


@dataclass
class Validity:
    source: str
    title: str
    version_of: str  # the series key
    version_date: str
    valid_from: str = ""
    valid_to: str = ""
    superseded_by: str = ""  # source of the next version
    superseded_by_label: str = ""  # 《title》（2023-12-29）
    superseded_on: str = ""
    repealed_by: str = ""  # source of the repealing document
    repealed_by_label: str = ""
    chain: list[str] = field(default_factory=list)  # sources of the series, oldest first
    set_by: dict[str, str] = field(default_factory=dict)  # fact -> text | chain | repeal | sidecar | user
    note: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"《{self.title}》（{self.version_date}）" if self.version_date else f"《{self.title}》"

    def status(self, as_of=None) -> str:
        return status_on(self.metadata(), date_int(as_of))

    def overridden(self) -> bool:
        return any(v in ("user", "sidecar") for v in self.set_by.values())

    def metadata(self) -> dict:
        """The flat facts stored in every chunk of the document (Chroma can filter on them)."""
        return {
            "valid_from": self.valid_from,
            "valid_from_int": iso_int(self.valid_from),
            "valid_to": self.valid_to,
            "valid_to_int": iso_int(self.valid_to),
            "version_of": self.version_of,
            "version_date": self.version_date,
            "superseded_by": self.superseded_by,
            "superseded_by_label": self.superseded_by_label,
            "superseded_on": self.superseded_on,
            "repealed_by": self.repealed_by,
            "repealed_by_label": self.repealed_by_label,
            "validity_set_by": "user" if self.overridden() else "auto",
        }

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Validity":
        fields = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in fields})


def _end(current: str, candidate: str) -> str:
    return candidate if not current or (candidate and candidate < current) else current


def resolve(documents: list[DocumentFacts], user: dict[str, Override] | None = None) -> dict[str, Validity]:
    """Validity of every document, chains and repeals applied, overrides winning."""
    user = user or {}
    overrides = {d.source: user.get(d.source) or d.sidecar for d in documents}
    out: dict[str, Validity] = {}
    for doc in documents:
        o = overrides[doc.source]
        facts = doc.facts
        v = Validity(source=doc.source, title=doc.title, version_of=facts.series, version_date=facts.version_date,
                     valid_from=facts.valid_from, valid_to=facts.expires, problems=list(doc.problems))
        v.set_by = {"valid_from": "text"} if facts.valid_from else {}
        if facts.expires:
            v.set_by["valid_to"] = "text"
        if o and o.version_of:
            v.version_of = doc.source if o.version_of == STANDALONE else o.version_of
            v.set_by["version_of"] = o.origin
        if o and o.valid_from:
            v.valid_from, v.set_by["valid_from"] = o.valid_from, o.origin
        if o and o.note:
            v.note = o.note
        out[doc.source] = v

    _link_chains(out)
    _apply_repeals(documents, out)

    for source, v in out.items():  # the user's dates and status come last and win
        o = overrides[source]
        if not o:
            continue
        if o.valid_to:
            v.valid_to, v.set_by["valid_to"] = o.valid_to, o.origin
        if o.status == IN_FORCE:
            v.valid_to = o.valid_to
            v.superseded_by = v.superseded_by_label = v.superseded_on = ""
            v.repealed_by = v.repealed_by_label = ""
            v.set_by["status"] = o.origin
        elif o.status == REPEALED:
            v.valid_to = v.valid_to or UNKNOWN_END
            v.repealed_by = v.repealed_by or o.origin
            v.repealed_by_label = v.repealed_by_label or ("用户标注" if o.origin == "user" else "版本说明文件")
            v.set_by["status"] = o.origin
    return out


def _version_order(v: Validity) -> tuple:
    return (v.version_date or v.valid_from or "", v.valid_from or "", v.source)


def _link_chains(out: dict[str, Validity]) -> None:
    series: dict[str, list[Validity]] = {}
    for v in out.values():
        if v.version_of:
            series.setdefault(v.version_of, []).append(v)
    for members in series.values():
        members.sort(key=_version_order)
        chain = [m.source for m in members]
        for m in members:
            m.chain = chain
        for older, newer in zip(members, members[1:]):
            # Two copies of one version (same date) do not supersede each other.
            if (older.version_date or older.valid_from) == (newer.version_date or newer.valid_from):
                continue
            start = newer.valid_from or newer.version_date
            if not start or (older.valid_from and start <= older.valid_from):
                continue
            older.valid_to = _end(older.valid_to, start)
            older.superseded_by, older.superseded_on = newer.source, start
            older.superseded_by_label = newer.label
            older.set_by["valid_to"] = "chain"
        # A later version supersedes all before it, not only its neighbour: the newest
        # successor is what the user should be pointed to.
        for older in members:
            later = [m for m in members if m.superseded_on == "" and _version_order(m) > _version_order(older)]
            if older.superseded_by and later:
                newest = later[-1]
                older.superseded_by, older.superseded_by_label = newest.source, newest.label


def _apply_repeals(documents: list[DocumentFacts], out: dict[str, Validity]) -> None:
    by_series: dict[str, list[Validity]] = {}
    for v in out.values():
        by_series.setdefault(v.version_of, []).append(v)
    for doc in documents:
        repealer = out[doc.source]
        start = repealer.valid_from or repealer.version_date
        for repeal in doc.facts.repeals:
            for target in by_series.get(repeal.series, []):
                if target.source == repealer.source or not start:
                    continue
                if (target.version_date or target.valid_from or "") >= start:
                    continue  # only texts older than the repealing one
                target.valid_to = _end(target.valid_to, start)
                target.repealed_by, target.repealed_by_label = repealer.source, repealer.label
                target.set_by["valid_to"] = "repeal"
