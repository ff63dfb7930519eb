"""QAService: the policy Q&A chain shared by the CLI, the UI, the eval and the tests.

    question ─(follow-up rewrite)→ standalone question
             ─(hybrid retrieval; per place for comparisons)→ passages
             ─(relevance gate)→ refusal when the passages miss the question's key terms
             ─(top passages cut to their best sentences + prompts/qa_*.txt)→ chat model, streamed
             ─(citations.verify_answer)→ verified sentences and citations
             ─(answer guards)→ the answer, or a refusal listing the closest passages

The guards do not rely on the small model obeying its prompt: an answer with no
verified citation, one whose cited passages miss the question's key terms,
or a "how many / when" answer that states no number becomes a refusal. With no
chat model (backend ``none``) the answer is the best passages themselves,
labelled as retrieved text.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from langchain_core.documents import Document
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.prompts import load_prompt
from assistant.qa.citations import Citation, Removal, Verification, verify_answer
from assistant.qa.followup import Comparison, detect_comparison, resolve_history
from assistant.qa.passages import Passage, assemble_context, estimate_tokens, excerpt, format_passage
from assistant.qa.text import best_sentence, normalize
from assistant.settings import Settings

RETRIEVED_LABEL = "检索到的相关条文"
NO_LLM_NOTICE = f"【{RETRIEVED_LABEL}】（未启用大模型，以下是原文摘录，不是生成的回答）"
REFUSAL_PREFIX = "现有资料中没有找到"

# Share of the question's key terms that must occur in the retrieved passages
# before the model is asked at all (see relevance()). Chosen on eval/data/qa.yaml.
MIN_RELEVANCE = 0.6

# Question words and words every passage of this corpus shares: they say
# nothing about whether the passages answer this particular question.
_GENERIC_TERMS = set(
    """什么 哪些 哪个 怎么 怎样 如何 多少 几个 几年 几次 几项 是否 有没有 可以 能否 能不能 应当 应该 需要 需 要求 规定 提出 提到
    提及 明确 关于 有关 对于 根据 按照 主要 内容 方面 情况 包括 哪里 谁 时候 时间 为何 为什么 分别 各自 比较 对比 区别
    不同 异同 相比 一样 工作 要点 文件 通知 条例 办法 法律 社会 组织 社会组织 上海市 上海 本市 全市 市级 区级 长宁区 长宁
    民政局 2026 今年 年度 什么样 之间 作出 做出 进行 开展 相关 具体 其中 以及 还有 目前 现在 已经 接上 一问 上一 追问
    日期 哪天 哪一天 名字 名称 叫什么 几届 第几 两项 两种 两个 哪两个 几类 几种 份文件 安排 多长时间 多久 以上 每个 多少岁
    哪年 哪几 哪几类 印发 哪三年 三年""".split()
)


@dataclass
class QAAnswer:
    question: str
    resolved_question: str
    answer: str
    grounded: bool
    citations: list[Citation] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)  # the numbered context the answer may cite
    removed: list[Removal] = field(default_factory=list)
    backend: str = "none"
    seconds: float = 0.0
    first_token_seconds: float | None = None
    prompt_tokens: int = 0
    raw_answer: str = ""
    refusal_reason: str = ""  # low_relevance | no_passages | model_refused | no_verified_citation | off_topic | no_quantity
    relevance: float = 0.0
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


# Questions that ask for a number, a date or a duration; their answer must state one.
_QUANTITY_QUESTION_RE = re.compile(r"多少|多大|多长|多久|几年|几天|几日|几届|第几|几个月|几岁|哪一天|哪天|什么时间|什么时候|何时|日期|比例|金额|直径")
_QUANTITY_RE = re.compile(
    r"\d|百分之|第?[零〇一二两三四五六七八九十百千万]+(?:个|年|日|天|届|人|项|万|元|倍|次|名|家|月|条|岁|厘米|周)"
)


def asks_for_quantity(question: str) -> bool:
    return bool(_QUANTITY_QUESTION_RE.search(question))


# Where an answer names its source ([1], 《基金会管理条例》第二十三条) rather than a quantity.
_REFERENCE_RE = re.compile(r"\[\d+\]|《[^》]*》|第[零〇一二两三四五六七八九十百千\d]+[条款项章节]")


def states_quantity(text: str) -> bool:
    return bool(_QUANTITY_RE.search(_REFERENCE_RE.sub("", text)))


# Words the general jieba dictionary splits badly in questions ("党建有什么" →
# 党/建有/什么), on top of the knowledge base's own domain words.
_QA_WORDS = ("党建", "公益创投", "创新创业", "评估指南", "培育基地", "生态园", "公益伙伴月", "从业人员", "退休年龄", "注册资本")

_segmenter = None


def _tokenizer():
    """A private jieba tokenizer: adding words to the global one would change the
    keyword index's query tokens in this process."""
    global _segmenter
    if _segmenter is None:
        import jieba

        from assistant.rules.vocabulary import domain_words

        jieba.setLogLevel(60)
        tokenizer = jieba.Tokenizer()
        for word in (*domain_words(), *_QA_WORDS):
            tokenizer.add_word(word, freq=200000)
        _segmenter = tokenizer
    return _segmenter


def key_terms(question: str) -> list[str]:
    terms = []
    for word in _tokenizer().lcut(question):
        word = word.strip()
        if len(word) < 2 or word in _GENERIC_TERMS or not re.search(r"[\u4e00-\u9fff]", word):
            continue
        terms.append(word)
    return list(dict.fromkeys(terms))


def relevance(question: str, passages: list[Passage]) -> float:
    """Weighted share of the question's key terms found in the passages (1.0 when it has none)."""
    terms = key_terms(question)
    if not terms:
        return 1.0
    text = normalize("\n".join(p.text + p.title + p.section for p in passages))
    total = sum(len(t) for t in terms)
    found = 0
    for term in terms:
        if term in text:
            found += len(term)
        elif len(term) >= 4 and term[:2] in text and term[2:] in text:
            found += len(term) * 0.5  # a compound split differently in the passage
    return found / total


class QAService:
    def __init__(self, settings: Settings, retriever: Any, llm: BaseChatModel | None):
        self.settings = settings
        self.retriever = retriever
        self.llm = llm
        self.k = settings.llm.context_passages

    @property
    def backend(self) -> str:
        return "none" if self.llm is None else self.settings.llm.backend

    # --- public API ---------------------------------------------------------
    def ask(self, question: str, history: list[str] | None = None) -> QAAnswer:
        """The verified answer (consumes ``stream``)."""
        final = None
        for item in self.stream(question, history):
            if isinstance(item, QAAnswer):
                final = item
        assert final is not None
        return final

    def stream(self, question: str, history: list[str] | None = None) -> Iterator[str | QAAnswer]:
        """Yield the model's text as it is generated, then the verified ``QAAnswer``.

        ``history`` is the user's earlier questions in this conversation, oldest first.
        The streamed text is the raw draft; the final ``QAAnswer.answer`` is what
        survived verification and is what must be shown in the end.
        """
        started = time.perf_counter()
        resolved = resolve_history([*(history or []), question]) or question.strip()
        comparison = detect_comparison(resolved)
        docs = self.retrieve(resolved, comparison)
        passages = [Passage.from_document(i + 1, d) for i, d in enumerate(docs)]
        result = QAAnswer(question=question, resolved_question=resolved, answer="", grounded=False, backend=self.backend)

        if not passages:
            yield self._refuse(result, [], "no_passages", started)
            return
        kept, context = assemble_context(
            passages, self.settings.llm.context_token_budget, question=resolved,
            excerpt_chars=self.settings.llm.excerpt_chars,
            prefer_numbers=asks_for_quantity(resolved),
        )
        result.passages = kept
        result.relevance = relevance(resolved, kept)
        if result.relevance < MIN_RELEVANCE:
            yield self._refuse(result, kept, "low_relevance", started)
            return
        if self.llm is None:
            yield self._retrieved_only(result, kept, comparison, started)
            return

        # A comparison is answered one side at a time, each from its own passages: asked
        # for both at once, a 1.5B model states one side's specifics and skips the other's.
        rounds = self._comparison_rounds(resolved, kept, comparison) if comparison else []
        if not rounds:
            rounds = [("", self.build_messages(resolved, context, comparison))]
        result.prompt_tokens = sum(self._count_tokens(messages) for _, messages in rounds)
        raw = ""
        try:
            for label, messages in rounds:
                if label:
                    lead = ("\n" if raw else "") + f"{label}："
                    raw += lead
                    yield lead
                for chunk in self.llm.stream(messages):
                    text = chunk.text
                    if not text:
                        continue
                    if result.first_token_seconds is None:
                        result.first_token_seconds = time.perf_counter() - started
                    raw += text
                    yield text
        except Exception as exc:  # a server down or a model that fails to load
            result.error = f"大模型调用失败 / LLM call failed: {exc}"
            yield self._retrieved_only(result, kept, comparison, started)
            return
        result.raw_answer = raw
        yield self._finish(result, verify_answer(raw, kept), kept, started)

    def _comparison_rounds(self, question: str, kept: list[Passage],
                           comparison: Comparison) -> list[tuple[str, list[BaseMessage]]]:
        """One (side, messages) per side that has passages; passages keep their global [n]."""
        rounds = []
        budget = self.settings.llm.context_token_budget
        for side in comparison.sides:
            own = [p for p in kept if _belongs_to_passage(p, side)]
            if not own:
                continue
            blocks, used = [], 0
            for p in own:
                block = format_passage(p, excerpt(p.text, question, self.settings.llm.excerpt_chars))
                if blocks and used + estimate_tokens(block) > budget:
                    break
                blocks.append(block)
                used += estimate_tokens(block)
            rounds.append((side, self.build_messages(_one_side(question, side, comparison.sides),
                                                     "\n\n".join(blocks))))
        return rounds if len(rounds) == len(comparison.sides) else []

    # --- steps --------------------------------------------------------------
    def retrieve(self, question: str, comparison: Comparison | None = None) -> list[Document]:
        if comparison is None:
            return self._search(question, self.k)
        # Per place: search widely, keep each place's own documents, interleave
        # so that both sides reach the context even when one dominates the ranking.
        per_side: list[list[Document]] = []
        share = max(2, self.k // len(comparison.sides))
        for side in comparison.sides:
            hits = self._search(f"{side} {question}", self.k * 4)
            per_side.append([d for d in hits if _belongs_to(d, side)][:share])
        merged: list[Document] = []
        seen: set[str] = set()
        for rank in range(share):
            for hits in per_side:
                if rank < len(hits):
                    key = hits[rank].metadata.get("chunk_id") or hits[rank].page_content
                    if key not in seen:
                        seen.add(key)
                        merged.append(hits[rank])
        return merged or self._search(question, self.k)

    def _search(self, query: str, k: int) -> list[Document]:
        search = getattr(self.retriever, "search", None)
        if search is not None:
            return list(search(query, k=k))
        return list(self.retriever.invoke(query))[:k]

    def build_messages(self, question: str, context: str, comparison: Comparison | None = None) -> list[BaseMessage]:
        system = load_prompt(self.settings, "qa_system")
        if comparison is not None:
            instruction = load_prompt(self.settings, "qa_compare_instruction")
            instruction = instruction.replace("{side_a}", comparison.sides[0]).replace("{side_b}", comparison.sides[1])
        else:
            instruction = load_prompt(self.settings, "qa_instruction")
        # str.replace, not str.format: passages may contain braces.
        user = (
            load_prompt(self.settings, "qa_user")
            .replace("{instruction}", instruction)
            .replace("{question}", question)
            .replace("{context}", context)
        )
        return [SystemMessage(content=system), HumanMessage(content=user)]

    def _count_tokens(self, messages: list[BaseMessage]) -> int:
        counter = getattr(self.llm, "count_prompt_tokens", None)
        if counter is not None:
            try:
                return int(counter(messages))
            except Exception:  # counting must never break answering
                pass
        return sum(estimate_tokens(m.text) + 5 for m in messages)

    def _finish(self, result: QAAnswer, verification: Verification, kept: list[Passage], started: float) -> QAAnswer:
        result.removed = verification.removed
        result.markers_total = verification.markers_total
        result.markers_verified = verification.markers_verified
        if not verification.citations:
            reason = "model_refused" if verification.refused_by_model or not verification.markers_total else "no_verified_citation"
            return self._refuse(result, kept, reason, started)
        terms = key_terms(result.resolved_question)
        cited = [c.passage for c in verification.citations]
        if terms and relevance(result.resolved_question, cited) < MIN_RELEVANCE:
            # The passages actually cited miss what was asked (e.g. 退休年龄 asked,
            # a residence rule for 秘书长 cited): a faithful quote of the wrong
            # passage, not an answer — however well its sentences verify.
            return self._refuse(result, kept, "off_topic", started)
        if asks_for_quantity(result.resolved_question) and not states_quantity(verification.answer):
            # Asked "how many / when", answered with no number or date at all.
            return self._refuse(result, kept, "no_quantity", started)
        result.answer = verification.answer
        result.citations = verification.citations
        result.grounded = True
        result.seconds = time.perf_counter() - started
        return result

    def _refuse(self, result: QAAnswer, closest: list[Passage], reason: str, started: float) -> QAAnswer:
        lines = [f"{REFUSAL_PREFIX}能回答“{result.resolved_question.rstrip('？?')}”的内容。"]
        if reason == "no_passages":
            lines.append("知识库中没有检索到任何条文：知识库可能尚未导入文件（运行 python ingest.py）。"
                         " / Nothing was retrieved: the knowledge base may be empty (run `python ingest.py`).")
        if closest:
            lines.append("最接近的条文（仅供参考，并未回答该问题）：")
            for p in closest[:3]:
                lines.append(f"- {p.label}：{_first_sentence(p.text)}")
        result.answer = "\n".join(lines)
        result.grounded = False
        result.citations = []
        result.refusal_reason = reason
        result.seconds = time.perf_counter() - started
        return result

    def _retrieved_only(
        self, result: QAAnswer, kept: list[Passage], comparison: Comparison | None, started: float
    ) -> QAAnswer:
        """Backend 'none' (or a failed model call): the best passages, cited and labelled."""
        shown = kept[: max(3, len(comparison.sides) * 2) if comparison else 3]
        lines = [NO_LLM_NOTICE if not result.error else f"{result.error}\n【{RETRIEVED_LABEL}】"]
        citations = []
        for p in shown:
            side = ""
            if comparison is not None:
                side = next((s for s in comparison.sides if _belongs_to_passage(p, s)), "")
                side = f"〔{side}〕" if side else ""
            lines.append(f"[{p.n}] {side}{p.label}\n{p.text.strip()}")
            citations.append(
                Citation(n=p.n, passage=p, quote=best_sentence(p.text, result.resolved_question), answer_sentence="")
            )
        result.answer = "\n\n".join(lines)
        result.citations = citations
        result.grounded = True
        result.seconds = time.perf_counter() - started
        return result


def _one_side(question: str, side: str, sides: tuple[str, ...] | list[str]) -> str:
    """"上海市和长宁区的要点在评估方面有什么不同？" → "长宁区的要点在评估方面有什么安排？"."""
    one = question
    for a in sides:
        for b in sides:
            if a != b:
                one = re.sub(f"{a}\\s*(?:和|与|及|、|跟|同)\\s*{b}", side, one)
    if one == question:
        return f"{side}：{question}"
    for asked in ("有什么不同", "有何不同", "有什么区别", "有哪些不同", "有什么差异"):
        one = one.replace(asked, "有什么安排")
    return one.replace("分别", "").replace("各自", "")


def _first_sentence(text: str, limit: int = 60) -> str:
    flat = re.sub(r"\s+", "", text)
    end = re.search(r"[。；]", flat)
    sentence = flat[: end.end()] if end else flat
    return sentence if len(sentence) <= limit else sentence[:limit] + "……"


def _belongs_to(doc: Document, side: str) -> bool:
    return _belongs_to_passage(Passage.from_document(0, doc), side)


def _belongs_to_passage(p: Passage, side: str) -> bool:
    """Whether a passage comes from ``side``'s documents (a district, or the city itself)."""
    where = f"{p.issuers} {p.title}"
    if side == "上海市":
        # City documents: issued in Shanghai, by no district.
        return "上海市" in where and not re.search(r"[\u4e00-\u9fff]{2}(?:新区|区)", where)
    return side in where
