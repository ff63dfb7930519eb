"""Guidance with knowledge-base citations (and without a KB), and LLM wording suggestions."""

from __future__ import annotations

from langchain_core.documents import Document
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.forms.service import FormFillingService
from tests.forms.conftest import TODAY


class KeywordRetriever:
    """Returns the passages sharing the most characters with the query (enough for wiring tests)."""

    def __init__(self, docs):
        self.docs = docs
        self.queries = []

    def search(self, query, k=5, **_):
        self.queries.append(query)
        scored = sorted(self.docs, key=lambda d: -len(set(query) & set(d.page_content)))
        return scored[:k]


ARTICLE_10 = Document(
    page_content="成立社会团体，应当有合法的资产和经费来源，全国性的社会团体有10万元以上活动资金，地方性的社会团体和跨行政区域的社会团体有3万元以上活动资金。",
    metadata={"title": "社会团体登记管理条例", "doc_number": "", "section": "第三章 成立登记 > 第十条",
              "source": "regulations/社会团体登记管理条例.md", "doc_type": "regulation", "score": 0.9},
)
OTHER = Document(page_content="会员代表大会每届五年。", metadata={"title": "示范章程", "section": "第四章", "source": "x.md"})


def test_activity_funds_guidance_shows_minimum_for_level_and_cites_the_kb(tmp_settings):
    retriever = KeywordRetriever([OTHER, ARTICLE_10])
    service = FormFillingService(tmp_settings, retriever_factory=lambda: retriever, llm_factory=lambda: None)
    guidance = service.guidance("shetuan_establishment", "funds", {"level": "区级"}, TODAY)
    assert guidance.applicable == ["地方性社会团体的活动资金不得低于3万元（依据：社会团体登记管理条例 第十条）。"]
    assert guidance.citations[0]["title"] == "社会团体登记管理条例"
    assert guidance.citations[0]["section"].endswith("第十条")
    assert "社会团体登记管理条例 第十条" in guidance.basis
    text = guidance.markdown()
    assert "3万元" in text and "《社会团体登记管理条例》" in text
    national = service.guidance("shetuan_establishment", "funds", {"level": "全国性"}, TODAY)
    assert "10万元" in national.applicable[0]
    assert len(retriever.queries) == 1  # citations for a field are looked up once
    unknown = service.guidance("shetuan_establishment", "funds", {}, TODAY)
    assert "请先选择层级" in unknown.applicable[0]


def test_guidance_degrades_without_a_knowledge_base(tmp_settings):
    def broken():
        raise RuntimeError("chroma directory missing")

    service = FormFillingService(tmp_settings, retriever_factory=broken, llm_factory=lambda: None)
    guidance = service.guidance("foundation_establishment", "funds", {"foundation_kind": "公募", "level": "市级"}, TODAY)
    assert guidance.citations == []
    assert "知识库暂不可用" in guidance.kb_note
    assert "400万元" in guidance.applicable[0]
    assert guidance.help and guidance.requirement
    empty = FormFillingService(tmp_settings, retriever_factory=lambda: KeywordRetriever([]), llm_factory=lambda: None)
    assert "没有找到" in empty.guidance("shetuan_establishment", "funds", {}, TODAY).kb_note


def test_suggestion_from_a_fake_chat_model_is_cleaned_and_not_applied(tmp_settings, profile):
    llm = FakeListChatModel(responses=["业务范围：\n1. 开展创业培训；\n2. 组织创业交流活动\n3. 提供创业咨询服务。"])
    service = FormFillingService(tmp_settings, retriever_factory=None, llm_factory=lambda: llm)
    filled = service.fill("shetuan_establishment", profile=profile, today=TODAY)
    before = filled.values["business_scope"].value
    values = {k: v.value for k, v in filled.values.items()}
    suggestion = service.suggest("shetuan_establishment", "business_scope", values)
    assert suggestion.text == "开展创业培训；组织创业交流活动；提供创业咨询服务"
    assert filled.values["business_scope"].value == before  # a suggestion changes nothing by itself
    service.accept_suggestion(filled, suggestion, TODAY)
    row = {r["id"]: r for r in filled.rows()}["business_scope"]
    assert row["value"] == suggestion.text and "AI建议" in row["source"] and row["status"] == "ok"


def test_suggestion_prompt_carries_the_form_context(tmp_settings):
    seen = []

    class Recording(FakeListChatModel):
        def _call(self, messages, *args, **kwargs):
            seen.append(messages)
            return super()._call(messages, *args, **kwargs)

    llm = Recording(responses=["本年度举办创业培训12场，服务青年创业者500余人次。"])
    service = FormFillingService(tmp_settings, retriever_factory=None, llm_factory=lambda: llm)
    suggestion = service.suggest("annual_report_basic", "activities", {"org_name": "上海市青年创业促进会"})
    assert suggestion.text.startswith("本年度举办创业培训")
    human = seen[0][-1].content
    assert "年度工作报告书" in human and "本年度主要活动情况" in human and "上海市青年创业促进会" in human


def test_no_llm_means_no_suggestion_and_validation_still_works(service):
    assert service.suggest("shetuan_establishment", "business_scope", {}) is None
    checks = service.validate("shetuan_establishment", {"legal_rep_id": "310105198001011236"}, TODAY)
    assert checks["legal_rep_id"].status == "invalid"


def test_overlong_suggestion_is_flagged(tmp_settings):
    llm = FakeListChatModel(responses=["很" * 1600])
    service = FormFillingService(tmp_settings, retriever_factory=None, llm_factory=lambda: llm)
    suggestion = service.suggest("annual_report_basic", "activities", {})
    assert "超过本栏1500字的上限" in suggestion.note


def test_templates_and_duplicates_are_not_cited(tmp_settings):
    template = Document(page_content="【活动资金】本会的活动资金为人民币【funds】。",
                        metadata={"title": "【name】章程", "section": "资产", "doc_type": "template", "source": "templates/a.md"})
    duplicate = Document(page_content=ARTICLE_10.page_content, metadata=dict(ARTICLE_10.metadata))
    retriever = KeywordRetriever([template, ARTICLE_10, duplicate])
    service = FormFillingService(tmp_settings, retriever_factory=lambda: retriever, llm_factory=lambda: None)
    citations = service.guidance("shetuan_establishment", "funds", {}, TODAY).citations
    assert [c["title"] for c in citations] == ["社会团体登记管理条例"]


def test_a_suggestion_that_only_echoes_the_field_is_not_offered(tmp_settings):
    llm = FakeListChatModel(responses=["创业培训\n交流"])
    service = FormFillingService(tmp_settings, retriever_factory=None, llm_factory=lambda: llm)
    suggestion = service.suggest("shetuan_establishment", "business_scope", {"business_scope": "创业培训、交流"})
    assert suggestion.text == "" and "没有给出新的措辞" in suggestion.note
