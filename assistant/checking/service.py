"""CheckingService: the one entry point the CLI, the UI, the eval and the tests call.

    checker = CheckingService(settings, embeddings_factory=lambda: embeddings)
    result = checker.check_files([Path("章程.docx"), Path("申请书.pdf")])
    print(checker.markdown(result))

Kind and organization type are detected unless given. An unreadable file is
reported in ``result.errors`` and the other files are still checked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterable

from assistant.checking.engine import CheckEngine, CheckResult
from assistant.checking.presence import DEFAULT_SEMANTIC_THRESHOLD
from assistant.checking.report import render_markdown, write_docx
from assistant.kb.loaders import LoadError, read_document
from assistant.rules import KIND_ALIASES, KIND_LABELS, ORG_TYPE_ALIASES, Rulebook, load_rulebook
from assistant.text.document import ParsedDocument, parse_text


class CheckingService:
    def __init__(self, settings, embeddings_factory: Callable[[], object] | None = None,
                 rulebook: Rulebook | None = None, semantic_threshold: float = DEFAULT_SEMANTIC_THRESHOLD):
        self.settings = settings
        self._embeddings_factory = embeddings_factory
        self._embeddings = None
        self._rulebook = rulebook
        self.semantic_threshold = semantic_threshold
        self._description_cache: dict[str, list[float]] = {}
        self._saved_vectors = 0

    @property
    def rulebook(self) -> Rulebook:
        if self._rulebook is None:
            self._rulebook = load_rulebook(self.settings.rules_dir, self.settings.localities_dir, self.settings.locality)
        return self._rulebook

    def _embeddings_once(self):
        if self._embeddings is None and self._embeddings_factory is not None:
            self._embeddings = self._embeddings_factory()
            self._load_description_vectors()
        return self._embeddings

    # Item descriptions are the same on every run; embedding them costs about a
    # tenth of a second each on two cores, so their vectors are kept on disk,
    # keyed by the embedding model's identity.
    @property
    def _vectors_path(self) -> Path:
        return Path(self.settings.data_dir) / "checking_description_vectors.json"

    def _identity(self) -> str:
        return str(getattr(self._embeddings, "identity", type(self._embeddings).__name__))

    def _load_description_vectors(self) -> None:
        try:
            data = json.loads(self._vectors_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if data.get("identity") == self._identity():
            for text, vector in (data.get("vectors") or {}).items():
                self._description_cache.setdefault(text, vector)
        self._saved_vectors = len(self._description_cache)

    def _save_description_vectors(self) -> None:
        if self._embeddings is None or len(self._description_cache) == self._saved_vectors:
            return
        try:
            self._vectors_path.parent.mkdir(parents=True, exist_ok=True)
            payload = {"identity": self._identity(), "vectors": self._description_cache}
            self._vectors_path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
            self._saved_vectors = len(self._description_cache)
        except OSError:
            pass  # a read-only data directory only costs speed

    # --- checking -----------------------------------------------------------
    def check_files(self, paths: Iterable[Path], kind: str | None = None, org_type: str | None = None) -> CheckResult:
        docs: list[ParsedDocument] = []
        errors: list[dict] = []
        for path in paths:
            path = Path(path)
            try:
                docs.append(read_document(path))
            except LoadError as exc:
                errors.append({"file": path.name, "message": exc.message})
            except Exception as exc:  # a loader bug must not stop the batch either
                errors.append({"file": path.name, "message": f"无法读取文件 {path.name}：{exc} / Cannot read file {path.name}: {exc}"})
        return self.check_documents(docs, kind=kind, org_type=org_type, errors=errors)

    def check_text(self, text: str, name: str = "材料.txt", kind: str | None = None,
                   org_type: str | None = None) -> CheckResult:
        return self.check_documents([parse_text(name, text)], kind=kind, org_type=org_type)

    def check_documents(self, docs: list[ParsedDocument], kind: str | None = None, org_type: str | None = None,
                        errors: list[dict] | None = None) -> CheckResult:
        kind = normalize_kind(kind)
        org_type = normalize_org_type(org_type)
        docs = _unique_names(docs)
        if not docs:
            result = CheckResult(kind or "", "没有可读取的文件", org_type or "", "没有可读取的文件",
                                 self.rulebook.locality.name, [])
        else:
            factory = self._embeddings_once if self._embeddings_factory is not None else None
            engine = CheckEngine(self.rulebook, factory, self.semantic_threshold, self._description_cache)
            result = engine.check(docs, kind=kind, org_type=org_type)
            self._save_description_vectors()
        result.errors.extend(errors or [])
        return result

    # --- reports ---------------------------------------------------------------
    def markdown(self, result: CheckResult) -> str:
        return render_markdown(result)

    def write_docx(self, result: CheckResult, path: Path) -> Path:
        return write_docx(result, path)


def normalize_kind(kind: str | None) -> str | None:
    if not kind:
        return None
    if kind not in KIND_ALIASES:
        choices = "、".join(f"{k}（{v}）" for k, v in KIND_LABELS.items())
        raise ValueError(f"未知的材料类别：{kind}，可选：{choices} / unknown filing kind {kind!r}")
    return KIND_ALIASES[kind]


def normalize_org_type(org_type: str | None) -> str | None:
    if not org_type:
        return None
    if org_type not in ORG_TYPE_ALIASES:
        raise ValueError(f"未知的组织类型：{org_type}，可选：社会团体、社会服务机构、基金会 / unknown organization type {org_type!r}")
    return ORG_TYPE_ALIASES[org_type]


def _unique_names(docs: list[ParsedDocument]) -> list[ParsedDocument]:
    """Two uploads may share a file name; findings must still say which one."""
    seen: dict[str, int] = {}
    for doc in docs:
        if doc.name in seen:
            seen[doc.name] += 1
            doc.name = f"{doc.name}（{seen[doc.name]}）"
        else:
            seen[doc.name] = 1
    return docs
