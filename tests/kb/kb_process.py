"""A knowledge base in a process of its own, for tests of several processes on one data
directory: the real pipeline (Chroma, BM25, manifest, writer lock) with the hashing
embeddings of tests/kb/fakes.py.

``python -m tests.kb.kb_process DATA_DIR [--delay S] [--lock-timeout S]`` reads one JSON
command per line on stdin and answers one JSON line on stdout:

    {"op": "ingest", "paths": [...]}        -> the report (added, skipped, failed …)
    {"op": "upload", "files": [[path, name], ...]}
    {"op": "delete", "source": "..."}       -> {"deleted": bool}
    {"op": "search", "q": "...", "mode": "hybrid"|"dense"|"bm25", "k": 5} -> {"texts": [...]}
    {"op": "documents"}                     -> {"sources": [...]}
    {"op": "audit"}                         -> {"problems": [...]}

A writer that finds the data directory busy answers {"error": "<message>"}.
"""

from __future__ import annotations

import argparse
import json
import sys

from assistant.kb.datadir import WriterBusyError
from tests.kb.conftest import FakeKB
from tests.kb.fakes import HashingEmbeddings


def answer(kb: FakeKB, command: dict) -> dict:
    op = command["op"]
    try:
        if op == "ingest":
            return kb.ingest.run(command["paths"]).to_dict()
        if op == "upload":
            return kb.ingest.add_uploads([(path, name) for path, name in command["files"]]).to_dict()
        if op == "delete":
            return {"deleted": kb.ingest.delete(command["source"]) is not None}
    except WriterBusyError as exc:
        return {"error": str(exc)}
    if op == "search":
        hits = kb.retriever.search(command["q"], k=command.get("k", 5), mode=command.get("mode", "hybrid"))
        return {"texts": [d.page_content for d in hits], "sources": [d.metadata["source"] for d in hits]}
    if op == "documents":
        return {"sources": [d["source"] for d in kb.ingest.documents()]}
    if op == "audit":
        return {"problems": kb.ingest.audit()}
    raise ValueError(f"unknown op {op}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds per embedding call")
    parser.add_argument("--lock-timeout", type=float, default=10.0)
    args = parser.parse_args()
    kb = FakeKB(args.data_dir, embeddings=HashingEmbeddings(delay=args.delay),
                ingest={"lock_timeout_s": args.lock_timeout}, embedding={"batch_size": 2})
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        print(json.dumps(answer(kb, json.loads(line)), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
