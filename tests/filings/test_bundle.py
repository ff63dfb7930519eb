"""Bundled packages: parts, the 材料清单 and its cross-check, summaries of the charter."""

from __future__ import annotations

from assistant.filings.bundle import compare_checklist, name_similarity, parse_checklist, split_bundle

CHECKLIST = """材料清单

序号｜材料名称｜份数
序号：1；材料名称：成立登记申请书；份数：1
序号：2；材料名称：章程草案；份数：1
序号：3；材料名称：验资报告；份数：1
序号：4；材料名称：住所使用证明；份数：1
序号：5；材料名称：拟任负责人基本情况表；份数：1
序号：6；材料名称：发起人名单；份数：1
"""

PACKAGE = """# 某某协会成立登记申请材料

""" + CHECKLIST + """
# 附件一 成立登记申请书

某某区民政局：
现申请成立某某协会，请予审查。附件2：章程草案。

# 附件二 某某协会章程（摘要）

第一条 本会名称为某某协会。
第二条 本会的宗旨是服务会员。
章程全文另册附后。

# 附件三 验资报告

经审验，截至2026年3月1日，贵会已收到活动资金人民币5万元。

附件四
住所使用证明

兹证明某某路1号3楼提供给某某协会作为住所使用。

附件五：拟任负责人基本情况表

姓名｜职务｜年龄
姓名：李明；职务：会长；年龄：58
"""


def test_attachment_headings_split_the_package():
    bundle = split_bundle(PACKAGE)
    assert bundle.split_by == "attachment" and bundle.is_bundle
    markers = [(p.marker, p.number, p.title) for p in bundle.parts if p.marker]
    assert markers == [("附件一", 1, "成立登记申请书"), ("附件二", 2, "某某协会章程（摘要）"), ("附件三", 3, "验资报告"),
                       ("附件四", 4, "住所使用证明"), ("附件五", 5, "拟任负责人基本情况表")]
    # text ranges cover the parts in order, without overlap
    parts = bundle.parts
    assert all(a.end <= b.start for a, b in zip(parts, parts[1:]))
    third = next(p for p in parts if p.number == 3)
    assert third.text_of(PACKAGE).startswith("# 附件三 验资报告") and "活动资金人民币5万元" in third.text_of(PACKAGE)
    assert third.first_lines == ["经审验，截至2026年3月1日，贵会已收到活动资金人民币5万元。"]
    # "附件四" alone on its line: the title is the line under it
    assert next(p for p in parts if p.number == 4).first_lines == ["兹证明某某路1号3楼提供给某某协会作为住所使用。"]


def test_checklist_is_parsed_and_cross_checked():
    bundle = split_bundle(PACKAGE)
    assert [(i.number, i.name, i.copies) for i in bundle.checklist] == [
        (1, "成立登记申请书", "1"), (2, "章程草案", "1"), (3, "验资报告", "1"), (4, "住所使用证明", "1"),
        (5, "拟任负责人基本情况表", "1"), (6, "发起人名单", "1")]
    front = bundle.parts[0]
    assert front.is_front and front.is_checklist and front not in bundle.materials
    comparison = bundle.comparison
    assert comparison.listed == 6 and comparison.attached == 5 and not comparison.consistent
    assert comparison.message_zh == "清单列出6项，实际附有5项；未见：发起人名单"
    assert "6 item(s), 5 are attached" in comparison.message_en
    # each listed item found is paired with its part (the charter summary matches 章程草案 by name)
    assert len(comparison.matched) == 5


def test_complete_package_is_consistent():
    complete = PACKAGE + "\n附件六 发起人名单\n\n李明、王芳、张伟\n"
    comparison = split_bundle(complete).comparison
    assert comparison.consistent and comparison.message_zh == "清单列出6项，实际附有6项"


def test_charter_summary_and_full_text_elsewhere_are_marked():
    bundle = split_bundle(PACKAGE)
    summary = next(p for p in bundle.parts if p.number == 2)
    assert summary.is_summary and "摘要" in summary.summary_reason
    elsewhere = split_bundle("附件1 章程\n\n本会章程经会员大会通过，全文另册附后。\n\n附件2 会员名单\n\n李明\n")
    charter = elsewhere.parts[0]
    assert charter.title == "章程" and charter.is_summary and "另册附后" in charter.summary_reason
    assert not elsewhere.parts[1].is_summary
    assert [p.title for p in elsewhere.summaries] == ["章程"]


def test_material_markers_and_arabic_numbers():
    text = "材料之一：会员大会决议\n\n会议决定……\n\n材料之二：章程核准表\n\n申请核准……\n"
    bundle = split_bundle(text)
    assert bundle.split_by == "material"
    assert [(p.marker, p.number, p.title) for p in bundle.parts] == [("材料之一", 1, "会员大会决议"),
                                                                   ("材料之二", 2, "章程核准表")]
    arabic = split_bundle("附件 1：验资报告\n\n经审验……\n\n附件 12：承诺书\n\n本会承诺……\n")
    assert [p.number for p in arabic.parts] == [1, 12]


def test_a_cover_letter_listing_attachments_is_not_split_there():
    text = ("某某协会成立登记申请书\n\n某某区民政局：\n现申请成立某某协会。\n附件1：章程草案\n附件2：验资报告\n\n"
            "附件1 章程草案\n\n第一章 总则\n第一条 本会名称为某某协会。\n第二条 本会是社会团体。\n\n"
            "附件2 验资报告\n\n经审验，已收到活动资金人民币5万元，资金来源合法。\n")
    bundle = split_bundle(text)
    titled = [(p.marker, p.title) for p in bundle.parts if p.marker]
    assert titled == [("附件1", "章程草案"), ("附件2", "验资报告")]
    front = bundle.parts[0]
    assert front.is_front and front.title == "某某协会成立登记申请书" and front in bundle.materials
    assert "附件1：章程草案" in front.text_of(text)  # the listing stays in the cover letter
    assert next(p for p in bundle.parts if p.marker == "附件1").first_lines[0] == "第一章 总则"


def test_a_single_document_is_not_a_bundle():
    charter = ("某某协会章程\n\n第一章 总则\n\n第一条 本会名称为某某协会。\n\n附件：会员入会申请表\n\n"
               "第二条 详见附件一。\n")
    bundle = split_bundle(charter)
    assert bundle.split_by == "none" and not bundle.is_bundle and len(bundle.parts) == 1
    assert bundle.parts[0].title == "某某协会章程" and bundle.comparison is None


def test_headed_sections_of_a_docx_package(tmp_path):
    import docx

    from assistant.kb.loaders import load_file

    document = docx.Document()
    for title, body in [("成立登记申请书", "现申请成立某某协会。"), ("某某协会章程", "第一条 本会名称为某某协会。"),
                        ("验资报告", "已收到活动资金人民币5万元。")]:
        document.add_heading(title, level=1)
        document.add_heading("第一章 总则", level=2) if "章程" in title else None
        document.add_paragraph(body)
    path = tmp_path / "package.docx"
    document.save(path)
    loaded = load_file(path)
    bundle = split_bundle(loaded.text, loaded.pages)
    assert bundle.split_by == "heading"
    assert [p.title for p in bundle.parts] == ["成立登记申请书", "某某协会章程", "验资报告"]
    assert "第一章 总则" in bundle.parts[1].text_of(loaded.text)  # a level-2 heading stays inside


def test_a_scanned_package_splits_at_page_starts_with_pages():
    pages_text = ["成立登记申请书\n现申请成立某某协会。\n申请人：李明",
                  "第二页续：以上情况属实。",
                  "验资报告\n经审验，已收到活动资金人民币5万元。",
                  "住所使用证明\n兹证明某某路1号提供给某某协会使用。"]
    text, pages, offset = "", [], 0
    for number, page_text in enumerate(pages_text, start=1):
        pages.append((number, offset))
        text += page_text + "\n\n"
        offset = len(text)
    bundle = split_bundle(text, pages)
    assert bundle.split_by == "page"
    assert [(p.title, p.first_page, p.last_page) for p in bundle.parts] == [
        ("成立登记申请书", 1, 2), ("验资报告", 3, 3), ("住所使用证明", 4, 4)]
    assert bundle.parts[0].pages == [1, 2]


def test_checklist_as_a_numbered_list():
    text = "申报材料目录\n\n1. 社会团体法人登记申请表（1份）\n2、章程草案 1份\n3. 验资报告\n\n以上材料请装订成册。\n"
    items = parse_checklist(text)
    assert [(i.number, i.name, i.copies) for i in items] == [(1, "社会团体法人登记申请表", "1份"), (2, "章程草案", "1"),
                                                             (3, "验资报告", "")]
    assert text[items[0].start:items[0].end].startswith("1. 社会团体")


def test_name_similarity():
    assert name_similarity("章程草案", "某某协会章程草案") == 1.0
    assert name_similarity("《章程》（复印件）", "章程") == 1.0
    assert name_similarity("验资报告", "住所使用证明") == 0.0
    assert 0.5 <= name_similarity("拟任负责人基本情况表", "拟任负责人情况表") < 1.0


def test_form_feed_page_breaks_count_as_pages():
    text = "成立登记申请书\n现申请成立某某协会。\f验资报告\n已收到活动资金人民币5万元。\f住所使用证明\n兹证明……"
    bundle = split_bundle(text)
    assert bundle.split_by == "page"
    assert [(p.title, p.first_page) for p in bundle.parts] == [("成立登记申请书", 1), ("验资报告", 2), ("住所使用证明", 3)]


def test_markers_as_ocr_reads_them():
    """OCR drops the blank after the marker and may read a qualifier's brackets as half-width."""
    text = ("附件一设立登记申请书\n\n现申请设立某某基金会。\n\n附件二章程草案 (摘要)\n\n本基金会名称为某某基金会。全文另册附后。\n\n"
            "附件三2025年度审计报告\n\n我们审计了某某基金会的财务报表。\n")
    bundle = split_bundle(text)
    assert [(p.marker, p.title) for p in bundle.parts] == [("附件一", "设立登记申请书"), ("附件二", "章程草案 (摘要)"),
                                                           ("附件三", "2025年度审计报告")]
    assert bundle.parts[1].is_summary
    assert split_bundle("附件一览表\n\n序号 名称\n").split_by == "none"


def test_a_cover_page_is_not_a_material():
    text = ("上海市某某基金会\n设立登记申请材料\n申请人：陈立\n2026年2月\f材料清单\n\n序号｜材料名称｜份数\n"
            "序号：1；材料名称：设立登记申请书；份数：1\n序号：2；材料名称：验资证明；份数：1\f"
            "设立登记申请书\n现申请设立某某基金会，原始基金200万元。\f验资证明\n经审验，已收到原始基金人民币200万元。")
    bundle = split_bundle(text)
    assert [p.title for p in bundle.materials] == ["设立登记申请书", "验资证明"]
    assert bundle.parts[0].is_cover and bundle.comparison.consistent
    # a cover and the checklist on one page (a Word package's front matter) is neither a material
    front = "上海市某某基金会\n设立登记申请材料\n\n材料清单\n\n序号｜材料名称｜份数\n序号：1；材料名称：申请书；份数：1\n\n"
    joined = split_bundle(front + "附件一 申请书\n\n现申请设立某某基金会，原始基金200万元，来源合法。\n")
    assert joined.parts[0].is_checklist and [p.title for p in joined.materials] == ["申请书"]


def test_the_caller_may_say_which_listed_item_a_part_is():
    items = parse_checklist(CHECKLIST)
    parts = split_bundle(PACKAGE).materials
    by_name = compare_checklist(items, parts)
    assert [i.name for i in by_name.missing] == ["发起人名单"]
    # a caller that knows 住所使用证明 and the part titled so are different materials
    told = compare_checklist(items, parts, similarity=lambda item, part: 0.0 if "住所" in item.name
                             else name_similarity(item.name, part.title))
    assert [i.name for i in told.missing] == ["住所使用证明", "发起人名单"]
