"""检索 tab's hit cards: a relevance label in words, never a raw score; a link to the whole text."""

from __future__ import annotations

from assistant.ui.search_tab import render_hits, searched_text


def _hit(**extra) -> dict:
    hit = {"text": "长宁区社会组织评估等级占比要求……", "title": "2026年长宁区社会组织工作要点", "doc_number": "长民社发〔2026〕3号",
           "issuers": ["长宁区民政局"], "date": "2026-02-10", "doc_type": "policy", "section": "三、（二）",
           "source": "corpus/policies/2026-changning-social-org-work-points.txt", "score": 2.0,
           "doc_id": "abcdef0123456789", "chunk_id": "abcdef0123456789-0004-1a2b3c4d"}
    hit.update(extra)
    return hit


def test_a_hit_shows_its_relevance_in_words_and_no_score():
    page = render_hits([_hit(relevance="高度相关", status="现行有效")])
    assert '<span class="szzs-rel high">高度相关</span>' in page
    assert "2.0" not in page and "相关度" not in page
    assert "来源：corpus/policies/2026-changning-social-org-work-points.txt" in page
    assert "chunk=abcdef0123456789-0004-1a2b3c4d" in page and "在全文中查看" in page


def test_a_superseded_hit_is_marked_and_no_hits_suggest_wider_filters():
    assert "【已废止】" in render_hits([_hit(relevance="可能相关", status="已废止")])
    assert "放宽筛选条件" in render_hits([])
    assert "找到 1 条（用时 0.4 秒）" in render_hits([_hit(relevance="相关")], seconds=0.42)


def test_the_query_and_filters_are_said_back():
    said = searched_text(" 社会组织评估 ", "policy", "长宁区民政局", "2026-01-01", None, "superseded")
    assert said == "“社会组织评估” · 政策文件 · 长宁区民政局 · 2026-01-01 至 … · 已修订或已废止"
    assert "“评估”：没有找到相关内容" in render_hits([], searched="“评估”")
