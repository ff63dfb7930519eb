"""OCR layout: boxes → lines, paragraphs and table rows (no model: boxes are given)."""

from __future__ import annotations

import random

from assistant.kb.ocr_layout import TextBox, group_lines, layout_page

H = 30  # line height in pixels
LEFT, RIGHT = 200, 1450


def box(x0, y, text, x1=None, conf=0.99):
    return TextBox(x0, y, x1 if x1 is not None else x0 + len(text) * H, y + H, text, conf)


def test_reading_order_from_shuffled_boxes():
    boxes = [box(LEFT, 100, "第一行左"), box(900, 102, "第一行右"), box(LEFT, 160, "第二行"), box(LEFT, 220, "第三行")]
    shuffled = boxes[:]
    random.Random(3).shuffle(shuffled)
    lines = group_lines(shuffled)
    assert [[b.text for b in line.boxes] for line in lines] == [["第一行左", "第一行右"], ["第二行"], ["第三行"]]


def test_wrapped_lines_join_and_paragraphs_break():
    full = "本会的宗旨是坚持中国共产党的全面领导遵守宪法法律法规和国家政策践行社"  # fills the text width
    boxes = [
        box(LEFT, 100, "第一章 总则", x1=LEFT + 6 * H),                      # short: a paragraph alone
        box(LEFT, 150, "第一条 " + full[:37], x1=RIGHT),                    # wraps …
        box(LEFT, 200, "会主义核心价值观。", x1=LEFT + 9 * H),               # … and ends short
        box(LEFT, 250, "第二条 本会的住所设在某某路1号。", x1=LEFT + 17 * H),
        box(LEFT + 2 * H, 300, "（一）组织交流活动；", x1=LEFT + 12 * H),     # indented heading
    ]
    page = layout_page(boxes, page=3, low_confidence=0.8)
    paragraphs = page.text.split("\n\n")
    assert paragraphs[0] == "第一章 总则"
    assert paragraphs[1] == "第一条 " + full[:37] + "会主义核心价值观。"  # wrapped CJK joined without a space
    assert paragraphs[2].startswith("第二条") and paragraphs[3].startswith("（一）")
    # every physical line keeps its page, box and exact place in the text
    assert len(page.lines) == 5
    for line in page.lines:
        assert line.page == 3
        assert page.text[line.start:line.end] == line.text
    assert page.lines[2].box == (LEFT, 200, LEFT + 9 * H, 230)
    assert page.lines[1].paragraph == page.lines[2].paragraph != page.lines[3].paragraph


def test_heading_number_opens_a_paragraph_even_after_a_full_line():
    boxes = [box(LEFT, 100, "甲" * 41, x1=RIGHT), box(LEFT, 150, "第三条 乙", x1=RIGHT)]
    assert layout_page(boxes, 1, 0.8).text == "甲" * 41 + "\n\n" + "第三条 乙"


def test_latin_words_keep_a_space():
    boxes = [box(LEFT, 100, "Email", x1=LEFT + 150), box(LEFT + 170, 100, "abc@example.org", x1=LEFT + 600)]
    assert layout_page(boxes, 1, 0.8).text == "Email abc@example.org"


def test_table_rows_render_like_docx_tables():
    rows = [("序号", "材料名称", "份数"), ("1", "成立登记申请书", "1"), ("2", "章程草案", "1"), ("3", "验资报告", "2")]
    columns = (LEFT, 400, 1200)
    boxes = [box(x, 100 + 60 * r, text) for r, row in enumerate(rows) for x, text in zip(columns, row)]
    boxes.append(box(LEFT, 400, "以上材料真实有效。"))
    page = layout_page(boxes, 1, 0.8)
    assert page.text.split("\n\n")[0].split("\n") == [
        "序号｜材料名称｜份数",
        "序号：1；材料名称：成立登记申请书；份数：1",
        "序号：2；材料名称：章程草案；份数：1",
        "序号：3；材料名称：验资报告；份数：2",
    ]
    assert page.text.endswith("\n\n以上材料真实有效。")
    assert page.tables == [[list(r) for r in rows]]
    assert all(line.table_row for line in page.lines[:4]) and not page.lines[4].table_row


def test_key_value_form_and_wrapped_cell():
    boxes = [box(LEFT, 100, "名称"), box(600, 100, "某某协会"),
             box(LEFT, 160, "住所："), box(600, 160, "某某区某某路1号"),
             box(600, 195, "3楼")]  # the cell's second line, tight under it
    page = layout_page(boxes, 1, 0.8)
    assert page.text == "名称：某某协会\n住所：某某区某某路1号3楼"


def test_empty_cell_keeps_its_column():
    header = [box(LEFT, 100, "姓名"), box(600, 100, "职务"), box(1000, 100, "备注")]
    row = [box(LEFT, 160, "李明"), box(1000, 160, "连任")]  # no 职务
    page = layout_page(header + row, 1, 0.8)
    assert page.tables == [[["姓名", "职务", "备注"], ["李明", "", "连任"]]]
    assert "姓名：李明；备注：连任" in page.text


def test_low_confidence_lines_are_marked():
    boxes = [box(LEFT, 100, "清楚的一行"), box(LEFT, 160, "模糊的一行", conf=0.55)]
    page = layout_page(boxes, 1, low_confidence=0.8)
    assert [line.low_confidence for line in page.lines] == [False, True]
    assert page.lines[1].confidence == 0.55
