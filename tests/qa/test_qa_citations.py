"""Citation parsing, verification and the grounding guard, on hand-made passages."""

from assistant.qa.citations import normalize_markers, verify_answer
from assistant.qa.passages import Passage, assemble_context, estimate_tokens
from assistant.qa.text import best_sentence, numbers, split_sentences

P1 = Passage(
    1,
    "（一）全面落实社会组织党建工作“六同步”“两纳入”要求。\n\n（二）全年新培育科技类社会组织30家，\n\n支持新兴产业领域社会组织发展。",
    title="2026年上海市社会组织工作要点",
    doc_number="沪民社登发〔2026〕1号",
    section="一、强化党的领导",
)
P2 = Passage(2, "第十条 成立社会团体应当有50个以上的个人会员或者30个以上的单位会员。", title="社会团体登记管理条例", article="第十条")


def test_marker_variants_are_normalised():
    assert normalize_markers("甲[1,2]乙【3】丙［4］丁[5、6]") == "甲[1][2]乙[3]丙[4]丁[5][6]"


def test_markers_after_the_full_stop_stay_with_their_sentence():
    assert split_sentences("第一句。[1]第二句[2]。") == ["第一句。[1]", "第二句[2]。"]


def test_quote_spanning_a_page_break_counts_as_verbatim():
    v = verify_answer("要点提出“全年新培育科技类社会组织30家，支持新兴产业领域社会组织发展”[1]。", [P1, P2])
    assert [c.n for c in v.citations] == [1] and v.removed == []


def test_supporting_sentence_is_the_best_overlapping_one():
    v = verify_answer("全年新培育科技类社会组织30家[1]。", [P1, P2])
    assert v.citations[0].quote.startswith("（二）全年新培育科技类社会组织30家")


def test_each_removal_is_reported_with_a_reason():
    v = verify_answer(
        "社会团体应当有50个以上的个人会员[2][7]。要点要求“三同步”[1]。单位会员需要40个以上[2]。",
        [P1, P2],
    )
    reasons = sorted((r.marker, r.reason) for r in v.removed)
    assert ("[7]", "no_such_passage") in reasons
    assert ("[1]", "quote_not_verbatim") in reasons
    assert ("[2]", "unsupported_fact") in reasons
    assert v.answer == "社会团体应当有50个以上的个人会员[2]。"
    assert v.markers_total == 4 and v.markers_verified == 1


def test_numbers_in_chinese_and_arabic_are_extracted_but_not_markers():
    assert numbers("第十四条规定三十日内[3]报送，不少于50人") == ["50", "十四", "三十"]


def test_context_respects_the_token_budget_and_numbers_without_gaps():
    long = Passage(3, "很长的条文。" * 400, title="长文件")
    kept, context = assemble_context([P1, long, P2], token_budget=200)
    assert [p.n for p in kept] == [1, 2] and [p.title for p in kept] == [P1.title, P2.title]
    assert estimate_tokens(context) <= 200
    assert context.startswith("[1]（《2026年上海市") and "\n[2]（《社会团体登记管理条例》 第十条）" in context


def test_best_passage_is_cut_rather_than_dropped():
    long = Passage(1, "社会组织应当依法开展活动。" * 300, title="长文件")
    kept, context = assemble_context([long], token_budget=150)
    assert len(kept) == 1 and estimate_tokens(context) <= 170 and context.endswith("……")


def test_best_sentence_falls_back_to_the_passage_when_it_has_no_sentences():
    assert best_sentence("短", "问题") == "短"


def test_sentence_quoting_a_title_with_the_wrong_number_is_attributed_to_the_passage_holding_it():
    p3 = Passage(3, "（四）修订《上海市基金会专项基金管理办法》，制定基金会秘书长手册。", title="2026年上海市社会组织工作要点")
    v = verify_answer("上海市2026年工作要点提出要修订《上海市基金会专项基金管理办法》。[1]", [P1, P2, p3])
    assert [c.n for c in v.citations] == [3] and v.attributed == [3]
    assert ("[1]", "quote_not_verbatim") in [(r.marker, r.reason) for r in v.removed]
    assert v.answer.endswith("[3]。")


def test_a_bare_date_is_a_claim_that_can_be_verified():
    notice = Passage(1, "现将通知印发给你们，请认真贯彻落实。\n2026年3月3日\n（此件主动公开）", title="2026年上海市社会组织工作要点")
    v = verify_answer("2026年3月3日[1]", [notice])
    assert [c.n for c in v.citations] == [1] and v.citations[0].quote == "2026年3月3日"
    assert verify_answer("2026年4月3日[1]", [notice]).citations == []


def test_marker_on_a_loosely_related_passage_is_moved_to_the_passage_holding_the_sentence():
    a13 = Passage(1, "第十三条 组织未成年人参加志愿服务活动的，应当落实安全保护措施，并征得其监护人同意。", title="志愿服务条例")
    a16 = Passage(2, "第十六条 志愿服务组织可以根据需要确定志愿服务活动项目。", title="志愿服务条例")
    v = verify_answer("组织未成年人参加志愿服务活动需要征得其监护人同意[2]。", [a13, a16])
    assert [c.n for c in v.citations] == [1] and v.answer.endswith("[1]。")
    assert [(r.marker, r.reason, r.detail) for r in v.removed] == [("[2]", "better_passage", "[1]")]
