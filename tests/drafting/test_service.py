"""DraftingService: drafting with and without LLM / knowledge base, wording
suggestions through a fake chat model, policy passages, errors."""

from __future__ import annotations

import pytest
import yaml
from langchain_core.documents import Document
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.drafting.service import KB_EMPTY, DraftingService, ProfileInvalid
from assistant.profile import ProfileError

from .conftest import profile_data


class RecordingRetriever:
    """Has the HybridRetriever.search signature; records queries."""

    def __init__(self, docs):
        self.docs = docs
        self.queries = []

    def search(self, query, k=None, **filters):
        self.queries.append((query, k))
        return self.docs[:k]


def _doc(text, **md):
    base = {"title": "2026年上海市社会组织工作要点", "doc_number": "沪民社登发〔2026〕1号", "doc_type": "policy",
            "section": "三、优化结构布局 > （二）", "source": "policies/city.txt", "issuers": "上海市民政局", "score": 0.5}
    base.update(md)
    return Document(page_content=text, metadata=base)


def service(tmp_settings, retriever=None, llm=None, retriever_error=None):
    def retriever_factory():
        if retriever_error:
            raise retriever_error
        return retriever

    return DraftingService(settings=tmp_settings, retriever_factory=retriever_factory, llm_factory=lambda: llm)


def test_drafts_fully_without_llm_or_kb(tmp_settings):
    drafter = service(tmp_settings, retriever_error=RuntimeError("Chroma directory missing"))
    result = drafter.draft(profile_data("社会服务机构"))
    assert result.charter.title == "上海市阳光助残服务中心章程"
    assert result.checks_passed == len(result.checks)
    assert result.warnings == []
    assert "## 附件：法定事项对照" in result.markdown and "| 1 | 名称、住所 |" in result.markdown
    assert result.docx_bytes()[:2] == b"PK"
    passages = drafter.relevant_passages(result.profile)
    assert passages.hits == [] and "知识库不可用" in passages.note and "Chroma directory missing" in passages.note
    assert drafter.suggest_wording("purpose", "帮助残疾人") is None
    assert drafter.explain_clause("本单位设理事会。") is None


def test_summary_shape(tmp_settings):
    result = service(tmp_settings).draft(profile_data("基金会"))
    summary = result.summary()
    assert set(summary) == {"org_type", "name", "articles", "coverage", "warnings"}
    assert summary["org_type"] == "基金会" and summary["articles"] == len(result.charter.articles)
    assert len(summary["coverage"]) == 9
    assert summary["coverage"][2] == {"item": "原始基金数额", "articles": [result.charter.article("原始基金").label]}


def test_rule_errors_block_drafting_and_all_are_listed(tmp_settings):
    bad = profile_data("基金会", funds={"amount_yuan": 100_000}, leadership={"age_limit": 75})
    with pytest.raises(ProfileInvalid) as info:
        service(tmp_settings).draft(bad, source="p.yaml")
    rules = {p.rule for p in info.value.problems}
    assert rules == {"funds_minimum", "age_limit_too_high"}
    assert "p.yaml" in str(info.value) and "无法起草章程" in str(info.value) and "基金会管理条例 第八条" in str(info.value)


def test_warnings_are_carried_not_blocking(tmp_settings):
    result = service(tmp_settings).draft(profile_data("社会服务机构", founders=[]))
    assert any("举办者" in w for w in result.warnings)


def test_draft_file_names_the_file_on_error(tmp_settings, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(profile_data("社会团体"), allow_unicode=True), encoding="utf-8")
    assert service(tmp_settings).draft_file(path).charter.title == "上海市青年创业促进会章程"
    path.write_text("org_type: 社会团体\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="p.yaml"):
        service(tmp_settings).draft_file(path)


def test_relevant_passages_for_a_tech_society(tmp_settings):
    docs = [_doc("支持科技类社会组织和民非类新型研发机构发展。"),
            _doc("本会的名称为……", doc_type="template", title="社会团体章程范本"),
            _doc("成立社会团体应当有50个以上的个人会员。", doc_type="regulation", title="社会团体登记管理条例")]
    retriever = RecordingRetriever(docs)
    drafter = service(tmp_settings, retriever=retriever)
    profile = drafter.draft(profile_data("社会团体", field_category="科技类", direct_registration=True,
                                         supervisory_unit=None)).profile
    result = drafter.relevant_passages(profile, k=5)
    assert "科技类社会组织" in retriever.queries[0][0] and "新型研发机构" in retriever.queries[0][0]
    assert [h["doc_type"] for h in result.hits] == ["policy", "regulation"]  # our own templates are left out
    assert result.hits[0]["doc_number"] == "沪民社登发〔2026〕1号" and result.note == ""


def test_empty_knowledge_base_says_so(tmp_settings):
    drafter = service(tmp_settings, retriever=RecordingRetriever([]))
    profile = drafter.draft(profile_data("基金会")).profile
    assert drafter.relevant_passages(profile).note == KB_EMPTY


def test_retriever_without_search_uses_invoke(tmp_settings):
    class InvokeOnly:
        def invoke(self, query):
            return [_doc("某政策条文。")]

    drafter = service(tmp_settings, retriever=InvokeOnly())
    profile = drafter.draft(profile_data("基金会")).profile
    assert drafter.relevant_passages(profile).hits[0]["text"] == "某政策条文。"


def test_purpose_suggestion_from_fake_llm(tmp_settings):
    llm = GenericFakeChatModel(messages=iter([AIMessage(content="宗旨：为残疾人提供专业康复服务，促进其融入社会。\n多余的一行")]))
    suggestion = service(tmp_settings, llm=llm).suggest_wording("purpose", "帮残疾人做康复", "社会服务机构")
    assert suggestion.field == "purpose"
    assert suggestion.text == "为残疾人提供专业康复服务，促进其融入社会。"


def test_scope_suggestion_strips_numbering(tmp_settings):
    reply = "业务范围如下：\n（一）开展康复训练；\n2. 提供职业培训\n- 组织志愿服务。\n\n"
    llm = GenericFakeChatModel(messages=iter([AIMessage(content=reply)]))
    suggestion = service(tmp_settings, llm=llm).suggest_wording("business_scope", "康复、培训、志愿")
    assert suggestion.items == ["开展康复训练", "提供职业培训", "组织志愿服务"]
    assert suggestion.text == "开展康复训练\n提供职业培训\n组织志愿服务"


def test_explain_clause_passes_the_clause_to_the_model(tmp_settings):
    seen = []

    class Spy(GenericFakeChatModel):
        def _generate(self, messages, stop=None, run_manager=None, **kwargs):
            seen.append(messages)
            return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)

    llm = Spy(messages=iter([AIMessage(content="这条规定理事会开会的人数要求。")]))
    answer = service(tmp_settings, llm=llm).explain_clause("理事会须有三分之二以上的理事出席方能召开。")
    assert answer == "这条规定理事会开会的人数要求。"
    assert "三分之二以上的理事出席" in seen[0][-1].content
    assert "解释" in seen[0][0].content  # the system prompt from prompts/drafting_explain.txt


def test_unknown_field_for_suggestion(tmp_settings):
    with pytest.raises(ValueError):
        service(tmp_settings).suggest_wording("name", "x")
