"""The form files in corpus/forms load, and bad files fail clearly without hiding the others."""

from __future__ import annotations

from pathlib import Path

from assistant.forms.definitions import load_forms
from assistant.profile import OrgProfile
from assistant.forms.prefill import resolve_path
from assistant.settings import load_settings

EXPECTED_FORMS = {
    "shetuan_establishment": "社会团体成立登记申请表",
    "service_org_establishment": "社会服务机构成立登记申请表",
    "foundation_establishment": "基金会设立登记申请表",
    "legal_rep_registration": "法定代表人登记表",
    "responsible_person_filing": "负责人备案表",
    "change_registration": "变更登记申请表",
    "annual_report_basic": "年度工作报告书（基本信息）",
}


def test_all_forms_load_without_errors(rulebook):
    forms, errors = load_forms(load_settings().forms_dir, rulebook)
    assert errors == []
    assert {k: f.title for k, f in forms.items()} == EXPECTED_FORMS
    for form in forms.values():
        for f in form.fields:
            assert f.help, f"{form.id}.{f.id} has no help text"
        types = {f.type for f in form.fields}
        assert "date" in types and "phone" in types or form.id == "annual_report_basic" and "phone" in types


def test_every_profile_path_exists_on_the_profile_model(profile, rulebook):
    """A renamed profile attribute must break this test, not silently stop prefilling."""
    forms, _ = load_forms(load_settings().forms_dir, rulebook)
    for form in forms.values():
        for f in form.fields:
            if not f.fill.profile:
                continue
            root = f.fill.profile.split(".")[0].split("[")[0]
            assert root in OrgProfile.model_fields or hasattr(OrgProfile, root), f"{form.id}.{f.id}: {f.fill.profile}"
            resolve_path(profile, f.fill.profile)  # does not raise


def test_bad_file_reports_bilingual_error_and_others_still_load(tmp_path: Path, rulebook):
    good = Path(load_settings().forms_dir) / "change_registration.yaml"
    (tmp_path / "a_good.yaml").write_text(good.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b_broken.yaml").write_text("id: x\nfields: [\n", encoding="utf-8")
    (tmp_path / "c_schema.yaml").write_text("id: y\ntitle: 表\nfields:\n  - {id: a, label: 甲, type: colour}\n", encoding="utf-8")
    (tmp_path / "d_rule.yaml").write_text(
        "id: z\ntitle: 表\nfields:\n  - {id: a, label: 甲}\ncross_rules:\n  - {kind: not_equal, fields: [a, b]}\n", encoding="utf-8")
    forms, errors = load_forms(tmp_path, rulebook)
    assert list(forms) == ["change_registration"]
    assert len(errors) == 3
    assert "b_broken.yaml" in errors[0] and "不是有效的YAML" in errors[0] and "not valid YAML" in errors[0]
    assert "c_schema.yaml" in errors[1] and "格式错误" in errors[1] and "invalid form definition" in errors[1]
    assert "不存在的字段" in errors[2] and "unknown fields" in errors[2]
