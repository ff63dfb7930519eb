from assistant.text.document import drop_nuls, parse_text, unwrap_pdf_lines

CHARTER = """某某协会章程

第一章 总则

第一条 本会的名称是：上海市某某协会。

第二章 组织机构

第二条 会员大会的职权是：
（一）制定和修改章程；
（二）决定终止事宜。

第三条 理事会是执行机构。
"""


def test_chapters_articles_and_list_items():
    doc = parse_text("章程.txt", CHARTER)
    kinds = [(h.kind, h.label, h.title) for h in doc.headings]
    assert ("chapter", "第一章", "总则") in kinds
    assert ("chapter", "第二章", "组织机构") in kinds
    assert [h.label for h in doc.headings if h.kind == "article"] == ["第一条", "第二条", "第三条"]
    # （一）… inside an article is a list item, not a heading that could "cover" an item.
    assert all(h.kind != "heading" for h in doc.headings)
    article = next(h for h in doc.headings if h.label == "第二条")
    assert "决定终止事宜" in doc.text[article.start:article.end]
    assert "第三条" not in doc.text[article.start:article.end]


def test_location_names_file_chapter_and_article():
    doc = parse_text("章程.txt", CHARTER)
    offset = doc.text.index("决定终止事宜")
    assert doc.location(offset) == "章程.txt · 第二章 组织机构 · 第二条"


def test_headings_of_reports_and_table_rows():
    doc = parse_text("报告.txt", "某某协会2025年度工作报告书\n\n一、财务管理情况\n收入10万元。\n姓名: 李明；年龄: 72；职务: 会长\n")
    assert [(h.kind, h.title) for h in doc.headings] == [("heading", "财务管理情况")]
    offset = doc.text.index("72")
    assert doc.sentence_at(offset, offset + 2) == "姓名: 李明；年龄: 72；职务: 会长"
    assert doc.location(offset).endswith("第5行")


def test_pdf_lines_wrapped_by_layout_are_joined():
    text = ("第一章 总则\n第三条\n本会的宗旨是：坚持中国共产党的全面领导，遵守宪法、法律、法规和国家政策，践\n"
            "行社会主义核心价值观。\n第四条 本会终止后的剩余财产用于公益事业。")
    unwrapped, pages = unwrap_pdf_lines(text, [(1, 0), (2, text.index("第四条"))])
    assert "第三条 本会的宗旨是：" in unwrapped
    assert "践行社会主义核心价值观" in unwrapped
    assert "\n第四条" in unwrapped
    assert unwrapped[pages[1][1]:].startswith("第四条")


def test_nul_characters_are_dropped_and_pages_follow():
    text, pages = drop_nuls("\x00第\x00一\x00页\n\x00第\x00二", [(1, 0), (2, 8)])
    assert text == "第一页\n第二"
    assert text[pages[1][1]:] == "第二"


def test_lines_on_kept_pages_are_not_joined():
    """Text OCR read comes in paragraphs already; joining its lines would move them."""
    wrapped = "本会的宗旨是：坚持中国共产党的全面领导，遵守宪法、法律、法规和国家政策，践\n行社会主义核心价值观。"
    text = wrapped + "\n\n" + wrapped
    second = len(wrapped) + 2
    unwrapped, pages = unwrap_pdf_lines(text, [(1, 0), (2, second)], keep_pages=[2])
    assert unwrapped.startswith("本会的宗旨是：坚持中国共产党的全面领导，遵守宪法、法律、法规和国家政策，践行")
    assert unwrapped[pages[1][1]:] == wrapped  # page 2 untouched, only moved with page 1
    assert pages[1][1] == second - 1
