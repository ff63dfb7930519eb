"""Presence logic with a deterministic fake embedding model (no real model is loaded)."""

from assistant.checking.service import CheckingService

from .checking_helpers import drop_chapter

# A 终止 chapter reworded so that neither its title nor the rulebook's key phrases match:
# only the meaning (and the anchor word 解散) says it is about termination.
REWORDED_END = """第七章 结束办法

第三十条 本会完成宗旨或者自行解散的，由理事会提出解散建议，解散前成立清理小组，解散后剩下的财产用于公益事业。
"""


def checker_with(tmp_settings, embeddings, threshold=0.3):
    return CheckingService(tmp_settings, embeddings_factory=lambda: embeddings, semantic_threshold=threshold)


def test_semantic_match_finds_reworded_item(tmp_settings, fake_embeddings, source_text):
    text = drop_chapter(source_text("sg_charter.txt"), "终止").replace("第八章 附则", REWORDED_END + "\n第八章 附则")
    plain = CheckingService(tmp_settings, embeddings_factory=None).check_text(text, "章程.txt")
    assert "SG-CH-08" in [f.rule_id for f in plain.findings]  # structure and phrases alone miss it
    result = checker_with(tmp_settings, fake_embeddings).check_text(text, "章程.txt")
    assert "SG-CH-08" in result.passed
    assert result.evidence_for_passed["SG-CH-08"].startswith("语义相近的条文：第三十条 本会完成宗旨或者自行解散的")


def test_semantic_match_needs_an_anchor_word(tmp_settings, fake_embeddings, source_text):
    # Same passage without any of the item's anchor words (终止/解散/注销/清算): not enough.
    reworded = REWORDED_END.replace("解散", "结束")
    text = drop_chapter(source_text("sg_charter.txt"), "终止").replace("第八章 附则", reworded + "\n第八章 附则")
    result = checker_with(tmp_settings, fake_embeddings).check_text(text, "章程.txt")
    assert "SG-CH-08" in [f.rule_id for f in result.findings]


def test_semantic_threshold_is_respected(tmp_settings, fake_embeddings, source_text):
    text = drop_chapter(source_text("sg_charter.txt"), "终止").replace("第八章 附则", REWORDED_END + "\n第八章 附则")
    result = checker_with(tmp_settings, fake_embeddings, threshold=0.99).check_text(text, "章程.txt")
    assert "SG-CH-08" in [f.rule_id for f in result.findings]


def test_complete_charter_never_loads_the_model(tmp_settings, source_text):
    def factory():
        raise AssertionError("embeddings must not be needed when structure and phrases find every item")

    checker = CheckingService(tmp_settings, embeddings_factory=factory)
    result = checker.check_text(source_text("sg_charter.txt"), "章程.txt")
    assert result.complete


def test_unavailable_model_degrades_to_structure_and_phrases(tmp_settings, source_text):
    def factory():
        raise RuntimeError("no model here")

    checker = CheckingService(tmp_settings, embeddings_factory=factory)
    result = checker.check_text(drop_chapter(source_text("sg_charter.txt"), "终止"), "章程.txt")
    assert [f.rule_id for f in result.findings] == ["SG-CH-08"]
    assert any("语义匹配不可用" in n for n in result.notes)


def test_model_charter_chapter_titles_cover_statutory_items(checker):
    """A drafter writing the model chapters must pass: titles alone carry the items."""
    text = "\n".join([
        "上海市示例研究会章程",
        "第一章 总则",
        "第一条 本会的名称是：上海市示例研究会。本会的住所设在上海市黄浦区示例路1号。本会的宗旨是：坚持中国共产党的全面领导，践行社会主义核心价值观。本会的活动地域为上海市。本会根据中国共产党章程的规定，设立中国共产党的组织。",
        "第二章 业务范围", "第二条 本会的业务范围是：学术交流。",
        "第三章 会员", "第三条 本会实行会员制。",
        "第四章 组织机构和负责人产生、罢免", "第四条 本会设会员大会和理事会。",
        "第五章 资产管理、使用原则", "第五条 本会经费用于章程规定的事业。",
        "第六章 章程的修改程序", "第六条 修改须经会员大会通过。",
        "第七章 终止程序及终止后的财产处理", "第七条 依法办理。",
        "第八章 附则", "第八条 本章程自核准之日起生效。",
    ])
    result = checker.check_text(text, "章程.txt")
    assert result.findings == [], [f.rule_id for f in result.findings]
    assert result.evidence_for_passed["SG-CH-08"].startswith("章节标题：第七章 终止程序及终止后的财产处理")
