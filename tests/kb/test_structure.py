"""Official-document structure on both seed notices and a regulation."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.kb.loaders import load_file
from assistant.kb.structure import parse_document
from assistant.settings import PROJECT_ROOT

POLICIES = PROJECT_ROOT / "corpus" / "policies"


def parse(path: Path):
    return parse_document(load_file(path).text, path, path.name)


def test_shanghai_notice_metadata():
    doc = parse(POLICIES / "2026-shanghai-social-org-work-points.txt")
    assert doc.info.title == "2026年上海市社会组织工作要点"
    assert doc.info.issuers == ["上海市民政局"]
    assert doc.info.doc_number == "沪民社登发〔2026〕1号"
    assert doc.info.date == "2026-03-03"
    assert doc.info.public is True
    assert doc.info.doc_type == "policy"


def test_changning_notice_metadata_with_two_issuers_and_markdown():
    doc = parse(POLICIES / "2026-changning-social-org-work-points.txt")
    assert doc.info.title == "2026年长宁区社会组织工作要点"
    assert doc.info.issuers == ["上海市长宁区民政局", "上海市长宁区社会组织管理局"]
    assert doc.info.doc_number == "长民社发〔2026〕3号"
    assert doc.info.date == "2026-04-09"
    # Markdown markup is a structure hint, never text
    assert "**" not in doc.text and "#" not in doc.text and "---" not in doc.text


def test_page_break_paragraphs_are_repaired():
    doc = parse(POLICIES / "2026-shanghai-social-org-work-points.txt")
    assert "启动配套政策文件的评估修订工作" in doc.text
    assert "大力促进社区社会组织高质量发展" in doc.text
    assert "《关于加强上海市社会组织人才队伍建设的若干举措》" in doc.text
    assert "引导支持科技类社会组织尤其是民非类新型研发机构" in doc.text
    changning = parse(POLICIES / "2026-changning-social-org-work-points.txt")
    assert "服务长三角一体化发展" in changning.text
    assert "打造“全链条”人才培养体系" in changning.text
    # …while real headings stay separate paragraphs
    headings = [p.text for p in doc.paragraphs]
    assert "一、强化党对社会组织的领导" in headings
    assert "2026年3月3日" in headings


def test_section_paths_follow_the_heading_hierarchy():
    doc = parse(POLICIES / "2026-shanghai-social-org-work-points.txt")
    by_text = {p.text[:12]: path for p, path in zip(doc.paragraphs, doc.paths)}
    assert by_text["（五）推动《关于加强上海"] == ["四、开展社会组织培育扶持行动", "（五）"]
    changning = parse(POLICIES / "2026-changning-social-org-work-points.txt")
    paths = [" > ".join(p) for p in changning.paths]
    assert "一、坚持政治引领，把牢社会组织发展方向 > （一）夯实党建基础" in paths
    # the signature block is not part of the last section
    assert changning.paths[-1] == ["落款"]


def test_regulation_articles_and_chapters(shared_dir):
    path = shared_dir / "regulations" / "社会团体登记管理条例(2016-02-06).md"
    doc = parse(path)
    assert doc.info.title == "社会团体登记管理条例"
    assert doc.info.date == "2016-02-06"
    assert doc.info.issuers == ["国务院"]
    assert doc.info.doc_type == "regulation"
    i = next(i for i, p in enumerate(doc.paragraphs) if p.text.startswith("第十四条"))
    assert doc.paths[i] == ["第三章 成立登记", "第十四条"]
    # list items inside an article belong to the article, not to a new heading
    assert doc.articles[i + 1] == "第十四条" and doc.paragraphs[i + 1].text.startswith("(一)")


def test_markdown_heading_hierarchy_for_other_documents():
    raw = "# 办事指南\n\n## 一般规定\n\n说明文字。\n\n### 材料\n\n身份证明。"
    doc = parse_document(raw, Path("g.md"), "g.md")
    assert doc.info.title == "办事指南"
    assert doc.paths[-1] == ["一般规定", "材料"]


def test_a_template_is_titled_by_its_file_not_its_placeholder():
    from assistant.kb.ingest import template_as_text

    path = PROJECT_ROOT / "corpus" / "templates" / "社会团体.md"
    parsed = parse_document(template_as_text(path.read_text(encoding="utf-8")), path, "corpus/templates/社会团体.md")
    assert parsed.info.title == "社会团体章程范本" and parsed.info.doc_type == "template"
