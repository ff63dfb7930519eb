"""Keep validity in the knowledge base: the manifest and every chunk's metadata.

``ValiditySync`` is an ``IngestService`` change hook: after every ingest run and
deletion it re-reads the facts of new or changed documents, resolves chains and
overrides over all documents, and writes the result

* into the manifest entry (``entry["validity"]``, ``entry["validity_facts"]``), and
* into the metadata of the document's chunks in Chroma (``asof.py`` lists the keys),
  without re-embedding anything.

A new version changes its predecessor's validity too (it becomes 已修订), which is
why this runs over the whole manifest and not per file. Only documents whose
validity changed are written.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from assistant.kb.loaders import LoadError, load_file
from assistant.kb.structure import parse_document
from assistant.versions.chains import DocumentFacts, Validity, resolve
from assistant.versions.overrides import OverrideError, OverrideStore, read_sidecar
from assistant.versions.validity import ValidityFacts, extract_facts, series_key

log = logging.getLogger(__name__)
UPDATE_BATCH = 256


def facts_for_entry(entry: dict) -> ValidityFacts:
    """The document's own facts, re-read from its file (the manifest's info when it is gone)."""
    path = Path(entry.get("path", ""))
    try:
        loaded = load_file(path)
        parsed = parse_document(loaded.text, path, entry["info"].get("source", str(path)))
        return extract_facts(parsed, path.name)
    except (LoadError, OSError, ValueError) as exc:
        log.warning("validity facts of %s read from the manifest only: %s", path, exc)
        info = entry.get("info", {})
        return ValidityFacts(series=series_key(info.get("title", "")), version_date=info.get("date", ""))


class ValiditySync:
    def __init__(self, overrides: OverrideStore):
        self.overrides = overrides

    def documents(self, files: dict[str, dict]) -> list[DocumentFacts]:
        docs = []
        for source, entry in files.items():
            cached = entry.get("validity_facts")
            if not cached or cached.get("hash") != entry.get("hash"):
                cached = {"hash": entry.get("hash"), **facts_for_entry(entry).to_dict()}
                entry["validity_facts"] = cached
            problems: list[str] = []
            sidecar = None
            try:
                sidecar = read_sidecar(Path(entry.get("path", "")))
            except OverrideError as exc:
                problems.append(str(exc))
            docs.append(DocumentFacts(source=source, title=entry["info"].get("title", ""),
                                      facts=ValidityFacts.from_dict(cached), sidecar=sidecar, problems=problems))
        return docs

    def resolve(self, files: dict[str, dict]) -> dict[str, Validity]:
        return resolve(self.documents(files), self.overrides.load())

    def __call__(self, files: dict[str, dict], store: Any) -> bool:
        """Bring manifest and chunk metadata up to date; True when anything changed."""
        before = {s: (e.get("validity"), (e.get("validity_facts") or {}).get("hash")) for s, e in files.items()}
        resolved = self.resolve(files)
        changed = any((files[s].get("validity_facts") or {}).get("hash") != before[s][1] for s in files)
        for source, validity in resolved.items():
            entry = files[source]
            new = validity.to_dict()
            if entry.get("validity") == new:
                continue
            ids = list(entry.get("chunk_ids") or [])
            metadata = validity.metadata()
            for i in range(0, len(ids), UPDATE_BATCH):
                part = ids[i:i + UPDATE_BATCH]
                store.collection.update(ids=part, metadatas=[dict(metadata) for _ in part])
            entry["validity"] = new  # after the chunks: a crash in between is redone next time
            changed = True
        return changed
