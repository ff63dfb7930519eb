"""Fixtures for the form-filling tests: the service over the repo's forms, a
fixed validation date, an organization profile and DOCX documents built on the fly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.forms.service import FormFillingService

TODAY = date(2026, 3, 1)

# Valid codes/numbers (check characters computed with the GB 32100 / GB 11643 rules).
USCC_SHETUAN = "51310000MJ4866513H"
USCC_SERVICE = "52310105MJ4938273T"
USCC_FOUNDATION = "53310000MJ5001239X"
ID_1980 = "310105198001011235"  # male, born 1980-01-01
ID_1958 = "31010519580615204X"  # female, born 1958-06-15 (67 on TODAY)
ID_1950 = "310105195003013310"  # male, born 1950-03-01 (76 on TODAY: over the limit)

PROFILE = {
    "org_type": "社会团体",
    "level": "市级",
    "name": "上海市青年创业促进会",
    "address": "上海市黄浦区南京东路100号5楼",
    "purpose": "服务青年创业者，促进创新创业，践行社会主义核心价值观。",
    "business_scope": ["开展创业培训", "组织交流活动", "提供咨询服务"],
    "activity_area": "上海市",
    "registration_authority": "上海市民政局",
    "supervisory_unit": "共青团上海市委员会",
    "funds": {"amount_yuan": 50000, "source": "发起单位出资"},
    "members": {"kinds": ["个人会员"], "individual_count": 80, "unit_count": 0},
    "governance": {"assembly": {"form": "会员大会"}, "council": {"size_min": 9, "size_max": 21}},
    "leadership": {"persons": [
        {"name": "张伟", "role": "会长", "id_number": ID_1980},
        {"name": "李娜", "role": "秘书长", "id_number": ID_1958},
    ]},
}


@pytest.fixture
def service(tmp_settings) -> FormFillingService:
    return FormFillingService(settings=tmp_settings, retriever_factory=None, llm_factory=None)


@pytest.fixture
def profile(service):
    return service.profile_from_data(PROFILE)


def make_docx(path: Path, paragraphs: list[str], tables: list[list[list[str]]] = ()) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for rows in tables:
        table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    document.save(str(path))
    return path


CHARTER_PARAGRAPHS = [
    "上海市浦东新区青年创业促进会章程",
    "第一章 总则",
    "第一条 本会的名称为上海市浦东新区青年创业促进会。",
    "第二条 本会是由相关领域的个人自愿结成的地方性、非营利性社会组织，是依法登记的社会团体法人。",
    "第三条 本会的宗旨：服务青年创业者，促进创新创业，践行社会主义核心价值观。",
    "第五条 本会接受登记管理机关上海市浦东新区民政局和业务主管单位共青团上海市浦东新区委员会的业务指导和监督管理。",
    "第六条 本会的住所设在上海市浦东新区张杨路100号5楼。",
    "第七条 本会的活动地域为上海市浦东新区。本会不设立地域性分支机构。",
    "第二章 业务范围",
    "第八条 本会的业务范围：",
    "（一）开展创业培训；",
    "（二）组织创业交流活动；",
    "（三）提供创业咨询服务。",
    "业务范围中属于法律法规规定须经批准的事项，依法经批准后开展。",
    "第二十条 理事会由九至二十一名理事组成，每届任期5年。",
    "第二十五条 本会设监事1名。",
    "第三十条 本会会长为本会法定代表人。本会法定代表人不兼任其他社会团体的法定代表人。",
    "第四十条 本会的活动资金为人民币3万元（大写：人民币叁万元整），来源为发起单位出资。",
]

ANNUAL_REPORT_PARAGRAPHS = [
    "上海市浦东新区青年创业促进会2025年度工作报告书",
    "一、基本信息",
]
ANNUAL_REPORT_TABLE = [
    ["单位名称", "上海市浦东新区青年创业促进会", "统一社会信用代码", USCC_SHETUAN],
    ["法定代表人", "王建国", "联系电话", "021-58881234"],
    ["个人会员数", "126", "单位会员数", "12"],
    ["专职工作人员数", "6", "成立登记日期", "2018年5月20日"],
    ["理事人数", "21", "常务理事人数", "7"],
    ["邮政编码", "200120", "注册资金（万元）", "3"],
]
