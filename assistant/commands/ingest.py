"""`python -m assistant ingest [PATH ...] [--rebuild] [--prune]` (also `python ingest.py`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

HELP = "把文件加入知识库（默认 corpus/）/ ingest files into the knowledge base (default: corpus/)"


def add_arguments(parser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: corpus/)")
    parser.add_argument("--rebuild", action="store_true", help="drop the index and start over")
    parser.add_argument("--prune", action="store_true", help="remove documents whose files no longer exist")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def run(args, services, progress_stream=None) -> int:
    from tqdm import tqdm

    from assistant.kb.datadir import WriterBusyError

    bar = tqdm(total=0, unit="file", desc="ingest", disable=args.json, file=progress_stream or sys.stderr)

    def progress(done: int, total: int, name: str) -> None:
        bar.total = total
        bar.n = done
        bar.set_postfix_str(name[:40])

    def chunk_progress(done: int, total: int, name: str) -> None:
        bar.set_postfix_str(f"{name[:30]} 分块 chunks {done}/{total}")

    try:
        report = services.ingest.run(args.paths or None, rebuild=args.rebuild, prune=args.prune, progress=progress,
                                     chunk_progress=chunk_progress)
    except WriterBusyError as exc:
        bar.close()
        print(exc, file=sys.stderr)
        return 2
    bar.close()
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(report.summary())
    return 1 if report.failed and not (report.added or report.updated or report.skipped) else 0
