"""The sentence-level guard on the model's lead, with hand-made evidence (no model)."""

from assistant.qa.evidence import Evidence, EvidenceSentence
from assistant.qa.lead import guard, template
from assistant.qa.passages import Passage
from assistant.qa.question import Question

NOTICE = Passage(1, "（四）加强人才队伍建设。引导社会组织参加第八届上海社会组织公益创新创业大赛。举办第十届长宁区社会组织公益创投项目大赛。",
                 title="2026年长宁区社会组织工作要点", section="三、优化发展环境 > （四）", chunk_id="c1")
LAW = Passage(2, "第十条 成立社会团体，应当具备下列条件：\n（一）有50个以上的个人会员；\n（二）有固定的住所；",
              title="社会团体登记管理条例", section="第二章 > 第十条", article="第十条", chunk_id="c2")


def _evidence(*sentences: tuple[Passage, str]) -> Evidence:
    items = [EvidenceSentence(n=i, passage=p, text=t, start=p.text.find(t), end=p.text.find(t) + len(t), score=1.0,
                              coverage=1.0, states_value=True) for i, (p, t) in enumerate(sentences, start=1)]
    return Evidence(sentences=items, answerable=True, coverage=1.0)


CONTEST = _evidence((NOTICE, "引导社会组织参加第八届上海社会组织公益创新创业大赛。"))
Q_CONTEST = Question(text="长宁区今年要引导社会组织参加第几届上海社会组织公益创新创业大赛？", shape="edition", wants=("ordinal",))


def test_a_lead_stating_the_sentences_value_is_kept_with_its_marker():
    lead = guard("第八届上海社会组织公益创新创业大赛[1]。", Q_CONTEST, CONTEST)
    assert lead.generated and lead.text == "第八届上海社会组织公益创新创业大赛[1]。"


def test_a_value_from_elsewhere_in_the_passage_is_refused():
    lead = guard("第十届[1]。", Q_CONTEST, CONTEST)
    assert not lead.generated and lead.reason == "unsupported" and "第八届" in lead.text
    assert [r.reason for r in lead.removed] == ["unsupported_fact"]


def test_the_questions_own_values_and_the_documents_title_may_be_restated():
    question = Question(text="2026年长宁区工作要点引导社会组织参加第几届大赛？", shape="edition", wants=("ordinal",))
    lead = guard("《2026年长宁区社会组织工作要点》提出引导社会组织参加第八届上海社会组织公益创新创业大赛[1]。", question, CONTEST)
    assert lead.generated, lead.removed


def test_words_the_sentence_does_not_hold_are_refused():
    lead = guard("长宁区要求社会组织推荐优秀青年参加第八届大赛并给予奖励[1]。", Q_CONTEST, CONTEST)
    assert not lead.generated and lead.removed[-1].reason == "not_supported"


def test_a_quote_that_is_not_verbatim_is_refused():
    lead = guard("参加“第八届上海公益创业大赛”[1]。", Q_CONTEST, CONTEST)
    assert not lead.generated and lead.removed[-1].reason == "quote_not_verbatim"


def test_an_unmarked_sentence_repeating_the_evidence_is_attributed_to_it():
    lead = guard("引导社会组织参加第八届上海社会组织公益创新创业大赛。", Q_CONTEST, CONTEST)
    assert lead.generated and lead.text.endswith("[1]。")


def test_a_marker_pointing_nowhere_is_reported_and_the_refusal_falls_back():
    lead = guard("第八届上海社会组织公益创新创业大赛[1][5]。", Q_CONTEST, CONTEST)
    assert lead.generated and ("[5]", "no_such_passage") in [(r.marker, r.reason) for r in lead.removed]
    refused = guard("现有资料中没有找到相关内容。", Q_CONTEST, CONTEST)
    assert not refused.generated and refused.reason == "refused"


def test_the_template_groups_a_lists_items_under_one_heading():
    conditions = _evidence((LAW, "第十条 成立社会团体，应当具备下列条件："), (LAW, "（一）有50个以上的个人会员；"), (LAW, "（二）有固定的住所；"))
    text = template(conditions)
    assert text.count("根据《社会团体登记管理条例》") == 1
    assert "下列条件：[1]" in text and "个人会员[2]；" in text and "住所[3]；" in text
