"""Question shapes, asked-for value kinds and key terms (no knowledge base)."""

import pytest

from assistant.qa.question import analyze, asked_unit, coverage, question_shape, segment, states_value


@pytest.mark.parametrize("question, shape", [
    ("长宁区今年要引导社会组织参加第几届上海社会组织公益创新创业大赛？", "edition"),
    ("基金会应当在每年几月几日前报送年度工作报告？", "when"),
    ("成立社会团体需要多少个人会员？", "how_many"),
    ("这个活动一年要办几场？", "how_many"),  # any counting unit, not only the common ones
    ("支持设立基础研究公益基金会的主体是谁？", "who"),
    ("上海市2026年工作要点要修订哪份文件？", "which_documents"),
    ("成立社会团体应当具备哪些条件？", "list"),
    ("长宁区要加大对哪几类社会服务机构的非营利监管？", "list"),
    ("在职公务员能不能担任基金会理事长？", "yes_no"),
    ("社会团体成立登记的程序是怎样的？", "procedure"),
    ("“沪社星耀”是什么？", "what"),
])
def test_each_shape_is_recognised(question, shape):
    assert question_shape(question) == shape


def test_compare_needs_two_sides():
    q = "上海市和长宁区在评估方面有什么不同？"
    assert question_shape(q) != "compare" and question_shape(q, ["上海市", "长宁区"]) == "compare"


def test_a_quantity_in_the_asked_unit_is_required():
    assert asked_unit("新登记成立多少家社会组织？") == "家"
    assert not states_value("2026年上海市社会组织工作要点", ("quantity",), "家")
    assert states_value("全年新培育科技类社会组织30家", ("quantity",), "家")
    assert states_value("社会团体有3万元以上活动资金", ("amount",), "钱")
    assert asked_unit("一年要办几场？") == "场"
    assert not states_value("搭建“下午茶”等特色平台，开展交流活动", ("quantity",), "场")
    # An article number is a reference, not the quantity asked for.
    assert not states_value("依据第二十三条的规定", ("quantity",), "")


def test_a_day_is_required_when_the_question_asks_which_day():
    q = analyze("工作要点是哪天印发的？", words=lambda t: [t])
    assert q.wants == ("day",)
    assert not states_value("2026年上海市社会组织工作要点", q.wants) and states_value("2026年3月3日印发", q.wants)


def test_key_terms_skip_question_words_counts_places_and_common_words():
    shares = {"社会组织": 0.6, "大赛": 0.01}
    q = analyze("长宁区要参加哪两项大赛？", words=lambda t: ["长宁区", "要", "参加", "哪", "两项", "大赛"],
                frequency=lambda w: shares.get(w, 0.05), places=["长宁区"])
    assert [t.text for t in q.terms] == ["参加", "大赛"]
    assert q.terms[1].weight > q.terms[0].weight  # the rarer word weighs more


def test_the_question_is_read_with_the_passages_words():
    fallback = lambda text: list(text)  # noqa: E731 - a segmenter that knows no words
    assert segment("党建有什么要求", {"党建", "要求"}, fallback) == ["党建", "有", "什", "么", "要求"]


def test_coverage_weighs_terms_and_tolerates_a_compound_written_apart():
    q = analyze("公益创新创业大赛", words=lambda t: ["公益创新创业", "大赛"])
    assert coverage(q, "公益创新创业大赛") == 1.0
    assert 0.2 < coverage(q, "公益……创新创业活动") < 0.5
