"""Deterministic follow-up rewriting and comparison detection."""

from assistant.qa.followup import detect_comparison, find_places, is_followup, resolve_history, rewrite_followup


def test_place_follow_up_swaps_the_place_into_the_previous_question():
    assert (
        rewrite_followup("那长宁区呢？", "2026年上海市社会组织工作要点对党建提出了哪些要求？")
        == "2026年长宁区社会组织工作要点对党建提出了哪些要求？"
    )


def test_org_type_follow_up_swaps_the_org_type():
    assert rewrite_followup("那基金会呢？", "社会团体的章程应当包括哪些事项？") == "基金会的章程应当包括哪些事项？"


def test_follow_up_without_a_swappable_entity_keeps_the_previous_question_as_context():
    rewritten = rewrite_followup("活动资金呢？", "成立社会团体需要多少会员？")
    assert "活动资金" in rewritten and "成立社会团体需要多少会员" in rewritten


def test_standalone_questions_are_left_alone():
    question = "基金会的理事会由多少名理事组成？"
    assert not is_followup(question)
    assert rewrite_followup(question, "社会团体的章程应当包括哪些事项？") == question


def test_follow_up_of_a_follow_up_resolves_through_the_chain():
    resolved = resolve_history(["社会团体的章程应当包括哪些事项？", "那基金会呢？", "那民办非企业单位呢？"])
    assert resolved == "民办非企业单位的章程应当包括哪些事项？"


def test_first_question_has_nothing_to_resolve_against():
    assert rewrite_followup("那长宁区呢？", None) == "那长宁区呢？"


def test_comparison_needs_a_comparing_word_and_two_places():
    assert detect_comparison("上海市和长宁区的工作要点在党建方面有什么不同？").sides == ["上海市", "长宁区"]
    # 市级 / 本市 mean the user's own city, whichever it is.
    assert detect_comparison("市级和长宁区分别对社区社会组织提出了什么要求？", home="上海市").sides == ["上海市", "长宁区"]
    assert detect_comparison("本市和朝阳区有什么不同？", home="北京市").sides == ["北京市", "朝阳区"]
    assert detect_comparison("北京市和朝阳区对社区社会组织的要求有什么不同？").sides == ["北京市", "朝阳区"]
    assert detect_comparison("长宁区对社区社会组织有什么要求？") is None
    assert detect_comparison("社区社会组织和社会团体有什么不同？") is None


def test_places_are_found_by_form_not_by_a_list_of_one_citys_names():
    assert find_places("2026年杭州市和西湖区的工作要点") == ["杭州市", "西湖区"]
    assert find_places("浦东新区和郑州市") == ["浦东新区", "郑州市"]
    assert find_places("推进各区社区社会组织培育基地建设") == []  # 各区 / 社区 are no places
    assert find_places("全市社会组织", home="洛阳市") == ["洛阳市"]
    # A name the caller knows is found even without an administrative suffix.
    assert find_places("临港片区和张江的政策", known=["张江"]) == ["张江"]


def test_a_follow_up_naming_another_city_is_resolved():
    previous = "2026年上海市社会组织工作要点对党建提出了哪些要求？"
    assert rewrite_followup("那北京市呢？", previous) == "2026年北京市社会组织工作要点对党建提出了哪些要求？"
    assert rewrite_followup("那杭州市呢？", previous) == "2026年杭州市社会组织工作要点对党建提出了哪些要求？"
    # "本市" in the previous question is the home city: the follow-up's place takes its spot.
    assert rewrite_followup("那朝阳区呢？", "本市对社区社会组织有什么扶持？", home="北京市") == "朝阳区对社区社会组织有什么扶持？"


def test_follow_up_narrowing_a_noun_replaces_it_in_the_previous_question():
    assert rewrite_followup("那非公募基金会呢？", "地方性公募基金会的原始基金不低于多少？") == "地方性非公募基金会的原始基金不低于多少？"


def test_follow_up_that_is_itself_a_question_is_not_spliced_into_the_previous_one():
    rewritten = rewrite_followup("那公益创投项目大赛是第几届？", "长宁区2026年开展的是第几届公益伙伴月系列活动？")
    assert rewritten.startswith("公益创投项目大赛是第几届") and "公益伙伴月" in rewritten
