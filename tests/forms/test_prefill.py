"""Prefill from a profile and from documents; every value says where it came from."""

from __future__ import annotations

from tests.forms.conftest import ANNUAL_REPORT_PARAGRAPHS, ANNUAL_REPORT_TABLE, CHARTER_PARAGRAPHS, ID_1980, TODAY, make_docx


def _rows(filled):
    return {r["id"]: r for r in filled.rows()}


def test_profile_prefill_with_sources(service, profile):
    rows = _rows(service.fill("shetuan_establishment", profile=profile, today=TODAY))
    assert rows["name"]["value"] == "上海市青年创业促进会"
    assert rows["name"]["source"] == "组织概况·名称（name）"
    assert rows["funds"]["value"] == "5万元"
    assert "funds.amount_yuan" in rows["funds"]["source"]
    assert rows["business_scope"]["value"] == "开展创业培训；组织交流活动；提供咨询服务"
    assert rows["responsible_persons"]["value"] == "张伟（会长）、李娜（秘书长）"
    assert rows["legal_rep"]["value"] == "张伟"
    assert rows["legal_rep_id"]["value"] == ID_1980
    assert rows["registration_mode"]["value"] == "经业务主管单位审查同意"
    assert rows["members_individual"]["value"] == "80"
    assert rows["phone"]["status"] == "missing" and rows["phone"]["source"] is None
    assert rows["name"]["status"] == "ok"


def test_foundation_roles_and_legal_rep_form(service):
    data = {
        "org_type": "基金会", "foundation_kind": "非公募", "level": "市级", "name": "上海市阳光助学基金会",
        "address": "上海市徐汇区漕溪北路1号", "purpose": "资助家庭困难学生完成学业，弘扬扶贫济困精神。",
        "business_scope": ["资助困难学生"], "registration_authority": "上海市民政局", "direct_registration": True,
        "field_category": "公益慈善类", "funds": {"amount_yuan": 2000000, "source": "发起人捐赠"},
        "governance": {"council": {"size_min": 5, "size_max": 15}},
        "leadership": {"chair_title": "理事长", "vice_chair_title": "副理事长", "legal_representative": "理事长",
                       "persons": [{"name": "陈静", "role": "理事长", "id_number": "31010519580615204X",
                                    "other_legal_rep": "上海市某某协会"},
                                   {"name": "周强", "role": "秘书长"}]},
    }
    profile = service.profile_from_data(data)
    rows = _rows(service.fill("foundation_establishment", profile=profile, today=TODAY))
    assert rows["chair"]["value"] == "陈静" and rows["secretary_general"]["value"] == "周强"
    assert rows["council_size"]["value"] == "15"
    assert rows["funds"]["value"] == "200万元" and rows["funds"]["status"] == "ok"
    rows = _rows(service.fill("legal_rep_registration", profile=profile, today=TODAY))
    assert rows["position"]["value"] == "理事长"
    assert rows["other_legal_rep"]["value"] == "是"
    assert rows["other_legal_rep"]["status"] == "invalid" and "第二十三条" in rows["other_legal_rep"]["message"]
    assert rows["state_employee"]["value"] == "否"
    # gender and birth date derived from the ID number, saying so
    assert rows["gender"]["value"] == "女" and rows["gender"]["source"] == "由“居民身份证号码”推算"
    assert rows["birth_date"]["value"] == "1958-06-15"


def test_document_prefill_quotes_the_sentence(service, tmp_path):
    charter = make_docx(tmp_path / "章程.docx", CHARTER_PARAGRAPHS)
    rows = _rows(service.fill("shetuan_establishment", documents=[charter], today=TODAY))
    assert rows["name"]["value"] == "上海市浦东新区青年创业促进会"
    assert rows["name"]["source"] == "章程.docx：“第一条 本会的名称为上海市浦东新区青年创业促进会。”"
    assert rows["funds"]["value"] == "3万元" and rows["funds"]["status"] == "ok"
    assert rows["supervisory_unit"]["value"] == "共青团上海市浦东新区委员会"


def test_annual_report_prefills_next_report(service, tmp_path):
    report = make_docx(tmp_path / "2025年报.docx", ANNUAL_REPORT_PARAGRAPHS, [ANNUAL_REPORT_TABLE])
    rows = _rows(service.fill("annual_report_basic", documents=[report], today=TODAY))
    assert rows["members_individual"]["value"] == "126"
    assert rows["staff_fulltime"]["value"] == "6"
    assert rows["legal_rep"]["value"] == "王建国"
    assert rows["legal_rep"]["source"].startswith("2025年报.docx：“法定代表人")
    assert rows["uscc"]["status"] == "ok"
    assert rows["standing_directors"]["value"] == "7" and rows["standing_directors"]["status"] == "ok"


def test_profile_wins_and_a_disagreeing_document_is_noted(service, profile, tmp_path):
    charter = make_docx(tmp_path / "章程.docx", CHARTER_PARAGRAPHS)
    rows = _rows(service.fill("shetuan_establishment", profile=profile, documents=[charter], today=TODAY))
    assert rows["name"]["value"] == "上海市青年创业促进会"
    assert rows["name"]["source"].startswith("组织概况")
    assert "章程.docx中为“上海市浦东新区青年创业促进会”" in rows["name"]["message"]
    # same amount written differently is not a conflict: 5万元 vs 3万元 is
    assert "3万元" in rows["funds"]["message"]
    assert rows["funds_source"]["message"] == ""  # both say 发起单位出资


def test_user_entries_override_and_are_marked(service, profile):
    filled = service.fill("shetuan_establishment", profile=profile, today=TODAY,
                          overrides={"phone": "021-63211234", "legal_rep_id": "310105198001011236"})
    rows = _rows(filled)
    assert rows["phone"]["source"] == "用户填写" and rows["phone"]["status"] == "ok"
    assert rows["legal_rep_id"]["status"] == "invalid" and "校验位" in rows["legal_rep_id"]["message"]


def test_correcting_the_id_number_re_derives_birth_date_and_gender(service, profile):
    """The derived fields follow a corrected ID number; what the user typed is kept and checked."""
    from tests.forms.conftest import ID_1958

    filled = service.fill("legal_rep_registration", profile=profile, today=TODAY)
    rows = _rows(filled)
    assert (rows["gender"]["value"], rows["birth_date"]["value"]) == ("男", "1980-01-01")
    rows = _rows(service.apply(filled, {"id_number": ID_1958}, today=TODAY))
    assert (rows["gender"]["value"], rows["birth_date"]["value"]) == ("女", "1958-06-15")
    assert rows["gender"]["status"] == rows["birth_date"]["status"] == "ok"
    assert rows["birth_date"]["source"] == "由“居民身份证号码”推算"
    # a half-typed number leaves them alone; the full one re-derives again
    rows = _rows(service.apply(filled, {"id_number": ID_1980[:10]}, today=TODAY))
    assert rows["birth_date"]["value"] == "1958-06-15" and rows["id_number"]["status"] == "invalid"
    rows = _rows(service.apply(filled, {"id_number": ID_1980}, today=TODAY))
    assert rows["birth_date"]["value"] == "1980-01-01"
    # a birth date the user typed is theirs: a later ID change flags it instead of overwriting it
    service.apply(filled, {"birth_date": "1980-01-02"}, today=TODAY)
    rows = _rows(service.apply(filled, {"id_number": ID_1958}, today=TODAY))
    assert rows["birth_date"]["value"] == "1980-01-02" and rows["birth_date"]["status"] == "invalid"
    assert rows["gender"]["value"] == "女"
