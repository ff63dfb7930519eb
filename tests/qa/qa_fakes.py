"""Fakes for unit-testing the Q&A chain: a keyword retriever over a few
hand-written passages and a chat model that replays a scripted answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from langchain_core.documents import Document
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from assistant.qa.text import cjk_bigrams

CITY = {
    "title": "2026年上海市社会组织工作要点",
    "doc_number": "沪民社登发〔2026〕1号",
    "issuers": "上海市民政局",
    "date": "2026-03-03",
    "doc_type": "policy",
    "source": "policies/2026-shanghai-social-org-work-points.txt",
}
DISTRICT = {
    "title": "2026年长宁区社会组织工作要点",
    "doc_number": "长民社发〔2026〕3号",
    "issuers": "上海市长宁区民政局；上海市长宁区社会组织管理局",
    "date": "2026-04-09",
    "doc_type": "policy",
    "source": "policies/2026-changning-social-org-work-points.txt",
}
REGULATION = {
    "title": "社会团体登记管理条例",
    "doc_number": "",
    "issuers": "国务院",
    "date": "2016-02-06",
    "doc_type": "regulation",
    "source": "regulations/社团条例.md",
}

# Hand-written passages in the style of the corpus (not copied from it).
PASSAGES = [
    (CITY, "一、强化党对社会组织的领导 > （一）", "（一）全面落实社会组织党建工作“六同步”“两纳入”要求，扩大党的组织覆盖。"),
    (CITY, "三、优化结构布局 > （二）", "（二）支持新兴产业和未来产业领域成立社会组织，全年新培育科技类社会组织30家。"),
    (DISTRICT, "一、坚持政治引领 > （一）", "（一）夯实党建基础。配合区委社会工作部提升社会组织党的组织覆盖质量，建设社会组织创新实践园分中心。"),
    (DISTRICT, "三、提升服务能级 > （二）", "（二）培育社区社会组织，年内扶持社区社会组织品牌项目15个。"),
    (REGULATION, "第二章 管辖 > 第十条", "第十条 成立社会团体应当有50个以上的个人会员或者30个以上的单位会员，并有合法的资产和经费来源。"),
]


def make_documents(extra: list[tuple[dict, str, str]] | None = None) -> list[Document]:
    docs = []
    for i, (meta, section, text) in enumerate(PASSAGES + (extra or [])):
        article = section.split(" > ")[-1] if section.split(" > ")[-1].startswith("第") else ""
        docs.append(
            Document(
                page_content=text,
                metadata={**meta, "section": section, "article": article, "chunk_id": f"c{i}", "score": 0.0},
            )
        )
    return docs


class FakeRetriever:
    """Ranks its documents by CJK-bigram overlap with the query; records queries."""

    def __init__(self, docs: list[Document]):
        self.docs = docs
        self.queries: list[str] = []

    def search(self, query: str, k: int | None = None, **filters: Any) -> list[Document]:
        self.queries.append(query)
        q = cjk_bigrams(query)
        scored = []
        for doc in self.docs:
            grams = cjk_bigrams(doc.page_content + doc.metadata["title"] + doc.metadata["section"])
            score = len(q & grams) / (len(q) or 1)
            if score > 0:
                scored.append((score, doc))
        scored.sort(key=lambda pair: -pair[0])
        out = []
        for score, doc in scored[: k or 5]:
            out.append(Document(page_content=doc.page_content, metadata={**doc.metadata, "score": score}))
        return out

    def invoke(self, query: str) -> list[Document]:
        return self.search(query)


class ScriptedChatModel(BaseChatModel):
    """Answers every prompt with ``reply`` (a string, or a function of the prompt text), streamed in small pieces."""

    reply: Any
    seen: list[list[BaseMessage]] = []

    @property
    def _llm_type(self) -> str:
        return "scripted-fake"

    def _text(self, messages: list[BaseMessage]) -> str:
        self.seen.append(messages)
        return self.reply(messages[-1].text) if callable(self.reply) else self.reply

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self._text(messages)))])

    def _stream(self, messages, stop=None, run_manager=None, **kwargs) -> Iterator[ChatGenerationChunk]:
        text = self._text(messages)
        for i in range(0, len(text), 3):
            yield ChatGenerationChunk(message=AIMessageChunk(content=text[i : i + 3]))
