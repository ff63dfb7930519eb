"""QAService: the policy Q&A chain shared by the CLI, the UI, the eval and the tests.

Extractive first — the small model's job is kept small:

    question ─(follow-up rewrite)→ standalone question
             ─(hybrid retrieval; per place for comparisons)→ passages
             ─(question shape + key terms, assistant/qa/question.py)
             ─(evidence selection, assistant/qa/evidence.py)→ the answering sentence(s),
                  or a refusal when none covers the question and states what it asks for
             ─ the evidence is shown at once, verbatim, with its citation
             ─(chat model, from those sentences alone; assistant/qa/lead.py)→ a one- or
                  two-sentence lead, kept only if it passes the sentence-level guard,
                  else the evidence itself with a short template

Whether the documents answer is decided by the selection, never by the model: a
model that says 没有找到 while the evidence answers is overruled, and a model
that answers while no sentence does never gets asked. With no chat model (backend
``none``) the answer is the template over the evidence.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from langchain_core.documents import Document
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage

from assistant.prompts import load_prompt
from assistant.qa import evidence as evidence_stage
from assistant.qa import lead as lead_stage
from assistant.qa.citations import Citation, Removal
from assistant.qa.evidence import Evidence, home_place
from assistant.qa.followup import Comparison, detect_comparison, find_places, resolve_history
from assistant.qa.passages import Passage, estimate_tokens
from assistant.qa.question import Question, analyze, segment
from assistant.qa.text import split_sentences
from assistant.settings import Settings
from assistant.versions.qa_notes import annotate_superseded

NO_LLM_NOTICE = "（未启用大模型：以下回答为原文摘录）"
REFUSAL_PREFIX = "现有资料中没有找到"
EVIDENCE_LABEL = "原文依据"

REFUSAL_REASONS = {
    "no_passages": "知识库中没有检索到任何条文",
    "no_sentences": "检索到的条文中没有可用的句子",
    "low_coverage": "检索到的条文没有涉及问题的关键内容",
    "no_value": "检索到的条文没有给出问题所问的数值、届次或日期",
    "one_side_missing": "比较的一方在资料中没有相关内容",
}


@dataclass
class QAStage:
    """A progress event of ``QAService.stream``: which stage runs now, and (once chosen) the evidence."""

    stage: str  # retrieving | selecting | evidence (chosen) | generating
    message: str
    seconds: float
    evidence: Evidence | None = None


@dataclass
class QAAnswer:
    question: str
    resolved_question: str
    answer: str
    grounded: bool
    citations: list[Citation] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)  # the retrieved passages the evidence came from
    evidence: Evidence | None = None
    removed: list[Removal] = field(default_factory=list)
    backend: str = "none"
    seconds: float = 0.0
    retrieval_seconds: float | None = None  # when retrieval was done
    evidence_seconds: float | None = None  # when the evidence (the first visible answer text) was ready
    first_token_seconds: float | None = None
    prompt_tokens: int = 0
    raw_answer: str = ""
    lead: str = ""
    lead_generated: bool = False  # False: the lead is the template over the evidence
    lead_reason: str = ""  # why a generated lead was replaced (refused | unsupported | empty)
    question_shape: str = ""
    refusal_reason: str = ""  # no_passages | no_sentences | low_coverage | no_value | one_side_missing
    relevance: float = 0.0  # key-term coverage of the evidence
    markers_total: int = 0
    markers_verified: int = 0
    error: str = ""

    @property
    def closest(self) -> list[Passage]:
        return self.passages[:3]

    def to_json(self) -> dict[str, Any]:
        """The shape printed by ``python -m assistant ask --json``."""
        return {
            "answer": self.answer,
            "grounded": self.grounded,
            "citations": [c.to_json() for c in self.citations],
            "backend": self.backend,
            "seconds": round(self.seconds, 2),
        }


class QAService:
    def __init__(self, settings: Settings, retriever: Any, llm: BaseChatModel | None):
        self.settings = settings
        self.retriever = retriever
        self.llm = llm
        self.k = settings.llm.context_passages

    @property
    def backend(self) -> str:
        return "none" if self.llm is None else self.settings.llm.backend

    # --- what the knowledge base offers the chain ---------------------------------
    @property
    def _store(self):
        return getattr(self.retriever, "store", None)

    @property
    def _keyword_index(self):
        return getattr(self.retriever, "keyword_index", None)

    @cached_property
    def known_places(self) -> list[str]:
        """Places named by the indexed documents' issuers (for follow-ups and comparisons)."""
        index = self._keyword_index
        issuers = {e.get("issuers", "") for e in getattr(index, "entries", {}).values()} if index else set()
        places = {p for text in issuers for p in find_places(text)}
        return sorted(places | ({self.settings.locality} if self.settings.locality else set()))

    def _words(self, text: str) -> list[str]:
        index = self._keyword_index
        if index is not None and hasattr(index, "words"):
            return index.words(text)
        from assistant.kb.keyword import KeywordIndex

        return KeywordIndex(None).words(text)

    def _frequency(self, term: str) -> float | None:
        index = self._keyword_index
        return index.document_share(term) if index is not None and hasattr(index, "document_share") else None

    # --- public API ---------------------------------------------------------
    def ask(self, question: str, history: list[str] | None = None, as_of=None) -> QAAnswer:
        """The verified answer (consumes ``stream``)."""
        final = None
        for item in self.stream(question, history, as_of=as_of):
            if isinstance(item, QAAnswer):
                final = item
        assert final is not None
        return final

    def stream(self, question: str, history: list[str] | None = None, as_of=None) -> Iterator[str | QAStage | QAAnswer]:
        """Yield progress (``QAStage``), the lead's text as it is generated (``str``), then the ``QAAnswer``.

        ``history`` is the user's earlier questions in this conversation, oldest first.
        The evidence stage carries the answering sentences: show them at once. The
        streamed text is the raw lead; ``QAAnswer.answer`` is what passed the guard.
        ``as_of``: the date the answer must hold on (default today); citations of
        superseded text say so.
        """
        for item in self._stream(question, history, as_of):
            yield annotate_superseded(item, as_of) if isinstance(item, QAAnswer) else item

    def _stream(self, question: str, history: list[str] | None, as_of) -> Iterator[str | QAAnswer]:
        started = time.perf_counter()
        home = self.settings.locality
        resolved = resolve_history([*(history or []), question], self.known_places, home) or question.strip()
        comparison = detect_comparison(resolved, self.known_places, home)
        result = QAAnswer(question=question, resolved_question=resolved, answer="", grounded=False,
                          backend=self.backend)
        yield QAStage("retrieving", "正在检索相关条文……", time.perf_counter() - started)
        docs = self.retrieve(resolved, comparison, as_of=as_of)
        passages = [Passage.from_document(i + 1, d) for i, d in enumerate(docs)]
        result.passages, result.retrieval_seconds = passages, time.perf_counter() - started
        if not passages:
            yield self._refuse(result, "no_passages", started)
            return
        yield QAStage("selecting", f"已检索到 {len(passages)} 段条文，正在选取回答问题的原文……", result.retrieval_seconds)
        vocabulary = {w for p in passages for w in self._words(f"{p.title} {p.text}") if len(w) >= 2}
        parsed = analyze(resolved, lambda text: segment(text, vocabulary, self._words), self._frequency,
                         comparison.sides if comparison else None, places=find_places(resolved, self.known_places, home))
        result.question_shape = parsed.shape
        evidence = self.select_evidence(parsed, passages, comparison)
        result.evidence, result.relevance = evidence, evidence.coverage
        if not evidence.answerable:
            yield self._refuse(result, evidence.reason, started)
            return
        result.evidence_seconds = time.perf_counter() - started
        yield QAStage("evidence", "已找到原文依据", result.evidence_seconds, evidence)
        if self.llm is None:
            yield self._finish(result, lead_stage.Lead(lead_stage.template(evidence), generated=False), started)
            return
        yield QAStage("generating", "正在根据原文生成简要回答……", time.perf_counter() - started, evidence)
        raw = ""
        try:
            for text in self._generate(parsed, evidence, result, started):
                raw += text
                yield text
        except Exception as exc:  # a server down or a model that fails to load: the evidence still answers
            result.error = f"大模型调用失败，以下为原文摘录 / LLM call failed: {exc}"
        result.raw_answer = raw
        lead = lead_stage.guard(raw, parsed, evidence) if not result.error else lead_stage.Lead(
            lead_stage.template(evidence), generated=False, reason="error")
        yield self._finish(result, lead, started)

    # --- steps --------------------------------------------------------------
    def retrieve(self, question: str, comparison: Comparison | None = None, as_of=None) -> list[Document]:
        if comparison is None:
            return self._search(question, self.k, as_of)
        # Per place: search widely, keep each place's own documents, interleave
        # so that both sides reach the evidence even when one dominates the ranking.
        per_side: list[list[Document]] = []
        share = max(2, self.k // len(comparison.sides))
        for side in comparison.sides:
            hits = self._search(one_side(question, side, comparison.sides), self.k * 4, as_of)
            per_side.append([d for d in hits if belongs_to(Passage.from_document(0, d), side, comparison.sides)][:share])
        merged: list[Document] = []
        seen: set[str] = set()
        for rank in range(share):
            for hits in per_side:
                if rank < len(hits):
                    key = hits[rank].metadata.get("chunk_id") or hits[rank].page_content
                    if key not in seen:
                        seen.add(key)
                        merged.append(hits[rank])
        return merged or self._search(question, self.k, as_of)

    def _search(self, query: str, k: int, as_of=None) -> list[Document]:
        search = getattr(self.retriever, "search", None)
        if search is not None:
            return list(search(query, k=k, **({"as_of": as_of} if as_of else {})))
        return list(self.retriever.invoke(query))[:k]

    def select_evidence(self, question: Question, passages: list[Passage],
                        comparison: Comparison | None = None) -> Evidence:
        query_vector, vectors = self._sentence_vectors(question.text, passages)
        side_of = None
        if comparison is not None:
            def side_of(p: Passage) -> str:
                return next((s for s in comparison.sides if belongs_to(p, s, comparison.sides)), "")
        return evidence_stage.select(question, passages, query_vector, vectors, side_of)

    def _sentence_vectors(self, question: str, passages: list[Passage]):
        """The question's vector and the passages' stored sentence vectors (none without a store)."""
        store = self._store
        if store is None or not hasattr(store, "sentences_of"):
            return None, {}
        try:
            vectors = store.sentences_of([p.chunk_id for p in passages if p.chunk_id])
            query_vector = np.asarray(store.embeddings.embed_query(question), dtype=np.float32)
        except Exception:  # a store without sentence vectors: rank sentences by wording alone
            return None, {}
        return query_vector, vectors

    def _generate(self, question: Question, evidence: Evidence, result: QAAnswer, started: float) -> Iterator[str]:
        messages = self.build_messages(question, evidence)
        result.prompt_tokens = self._count_tokens(messages)
        for chunk in self.llm.stream(messages):
            text = chunk.text
            if not text:
                continue
            if result.first_token_seconds is None:
                result.first_token_seconds = time.perf_counter() - started
            yield text

    def build_messages(self, question: Question, evidence: Evidence) -> list[BaseMessage]:
        return lead_stage.build_messages(load_prompt(self.settings, "qa_lead_system"),
                                         load_prompt(self.settings, "qa_lead_user"), question, evidence)

    def _count_tokens(self, messages: list[BaseMessage]) -> int:
        counter = getattr(self.llm, "count_prompt_tokens", None)
        if counter is not None:
            try:
                return int(counter(messages))
            except Exception:  # counting must never break answering
                pass
        return sum(estimate_tokens(m.text) + 5 for m in messages)

    # --- answers ------------------------------------------------------------
    def _finish(self, result: QAAnswer, lead: lead_stage.Lead, started: float) -> QAAnswer:
        evidence = result.evidence
        assert evidence is not None
        result.lead, result.lead_generated, result.lead_reason = lead.text, lead.generated, lead.reason
        result.removed = lead.removed
        result.markers_total = len(set(re.findall(r"\[(\d+)\]", result.raw_answer)))
        result.markers_verified = len(set(re.findall(r"\[(\d+)\]", lead.text))) if lead.generated else 0
        result.answer = compose_answer(lead, evidence, notice=NO_LLM_NOTICE if self.llm is None else "")
        if result.error:
            result.answer = f"{result.error}\n{result.answer}"
        result.citations = citations_for(lead, evidence)
        result.grounded = True
        result.seconds = time.perf_counter() - started
        return result

    def _refuse(self, result: QAAnswer, reason: str, started: float) -> QAAnswer:
        lines = [f"{REFUSAL_PREFIX}能回答“{result.resolved_question.rstrip('？?')}”的内容"
                 f"（{REFUSAL_REASONS.get(reason, reason)}）。"]
        if reason == "no_passages":
            lines.append("知识库可能尚未导入文件（运行 python ingest.py）。"
                         " / Nothing was retrieved: the knowledge base may be empty (run `python ingest.py`).")
        elif result.closest:
            lines.append("最接近的条文（仅供参考，并未回答该问题）：" + "；".join(p.label for p in result.closest))
        result.answer = "\n".join(lines)
        result.grounded = False
        result.citations = []
        result.refusal_reason = reason
        result.seconds = time.perf_counter() - started
        return result


def compose_answer(lead: lead_stage.Lead, evidence: Evidence, notice: str = "") -> str:
    """The lead, then (when the model wrote it) the evidence sentences verbatim under their source."""
    parts = [notice] if notice else []
    parts.append(lead.text)
    if lead.generated:
        lines = [f"{EVIDENCE_LABEL}："]
        for s in evidence.sentences:
            side = f"〔{s.side}〕" if s.side else ""
            lines.append(f"[{s.n}] {side}{s.passage.label}：“{s.text.strip()}”")
        parts.append("\n".join(lines))
    return "\n\n".join(p for p in parts if p)


def citations_for(lead: lead_stage.Lead, evidence: Evidence) -> list[Citation]:
    """One citation per evidence sentence, tied to the lead sentence that cites it."""
    citing: dict[int, str] = {}
    for sentence in split_sentences(lead.text):
        for n in re.findall(r"\[(\d+)\]", sentence):
            citing.setdefault(int(n), lead_stage.strip_markers(sentence).strip())
    return [Citation(n=s.n, passage=s.passage, quote=s.text.strip(), answer_sentence=citing.get(s.n, ""))
            for s in evidence.sentences]


def belongs_to(p: Passage, side: str, sides: list[str] | tuple[str, ...] = ()) -> bool:
    """Whether a passage comes from ``side``'s own documents (a district notice is not the city's)."""
    home = home_place(p)
    return home == side if home else side in f"{p.issuers} {p.title}"


def one_side(question: str, side: str, sides: list[str] | tuple[str, ...]) -> str:
    """"上海市和长宁区的要点在评估方面有什么不同？" → "长宁区的要点在评估方面有什么安排？"."""
    one = question
    for a in sides:
        for b in sides:
            if a != b:
                one = re.sub(f"{a}\\s*(?:和|与|及|、|跟|同)\\s*{b}", side, one)
    if one == question:
        return f"{side} {question}"
    for asked in ("有什么不同", "有何不同", "有什么区别", "有哪些不同", "有什么差异", "有何区别", "有哪些区别"):
        one = one.replace(asked, "有什么安排")
    return one.replace("分别", "").replace("各自", "")
