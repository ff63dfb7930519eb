"""A profile read back from a drafted charter (drafter -> DOCX -> extraction -> profile)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from assistant.drafting.service import DraftingService
from assistant.forms.service import FormFillingService
from assistant.profile import load_example, profile_from_facts, validate_profile_data
from assistant.settings import PROJECT_ROOT
from tests.conftest import shipped_rulebook
from tests.profile.helpers import TODAY

EXAMPLES = PROJECT_ROOT / "corpus" / "profiles"
# What a charter does not state (people, counts, the field category) stays the type's default.
NOT_IN_A_CHARTER = {"description", "field_category", "leadership.persons", "members.unit_count",
                    "members.individual_count", "party_building.full_party_members", "founders", "activity_area",
                    "governance.standing_council", "leadership.secretary_title"}


def _flat(d, prefix=""):
    out = {}
    for k, v in d.items():
        path = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flat(v, path + "."))
        else:
            out[path] = v
    return out


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_drafted_charter_reads_back_into_the_same_profile(example, tmp_settings, tmp_path):
    rulebook = shipped_rulebook()
    data = load_example(EXAMPLES / example, rulebook).data
    result = DraftingService(tmp_settings, rulebook=rulebook).draft(data, today=TODAY)
    charter = result.write_docx(tmp_path / "章程.docx")
    read, errors = FormFillingService(tmp_settings, rulebook=rulebook).read_profile([charter])
    assert not errors
    back, problems = validate_profile_data(read.data, rulebook, today=TODAY)
    assert back is not None, problems
    want, got = _flat(result.profile.model_dump(mode="json")), _flat(back.model_dump(mode="json"))
    differing = {k for k in want if want[k] != got.get(k)}
    assert not {k for k in differing if not any(k.startswith(n) for n in NOT_IN_A_CHARTER)}, \
        {k: (want[k], got.get(k)) for k in differing}
    assert "名称" in read.found and "住所" in read.summary()
    assert read.sources["name"].startswith("章程.docx：“")


@dataclass
class _Fact:
    key: str
    value: object
    file: str = "年报.docx"
    quote: str = ""


def test_filed_form_facts_and_what_does_not_fit():
    facts = [_Fact("name", "上海市某某养老服务中心"), _Fact("uscc", "52310105MJ4938273T"),
             _Fact("legal_rep_name", "王五"), _Fact("founders", "甲公司、李四"),
             _Fact("members_unit", 40)]  # 会员 do not belong to a 社会服务机构: ignored
    read = profile_from_facts(facts, shipped_rulebook())
    assert read.data["org_type"] == "社会服务机构" and read.data["credit_code"] == "52310105MJ4938273T"
    assert read.data["founders"] == [{"name": "甲公司", "kind": "单位"}, {"name": "李四", "kind": "个人"}]
    assert read.data["leadership"]["persons"] == [{"name": "王五", "role": "理事长"}]
    assert "members" not in read.data


def test_nothing_read_says_so():
    read = profile_from_facts([], shipped_rulebook())
    assert read.data["org_type"] == "社会团体" and "没有读到" in read.summary()
