"""Every drafted charter passes the filing checker (assistant/checking) with no findings.

Runs over every eval profile (national ones included) and the per-type defaults;
skipped while the checker is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.profile import load_profile
from assistant.settings import PROJECT_ROOT

from .conftest import profile_data

checking = pytest.importorskip("assistant.checking.service", reason="the filing checker (assistant/checking) is not present")

PROFILES = sorted((PROJECT_ROOT / "eval" / "data" / "profiles").glob("*.yaml"))
DEFAULT_KINDS = [("社会团体", "非公募"), ("行业协会", "非公募"), ("社会服务机构", "非公募"), ("基金会", "公募"), ("基金会", "非公募")]


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    from assistant.settings import load_settings

    return checking.CheckingService(load_settings(data_dir=tmp_path_factory.mktemp("data")))


def _findings(checker, drafter, profile, tmp_path: Path):
    result = drafter.draft(profile)
    docx = result.write_docx(tmp_path / "章程.docx")
    checked = checker.check_files([docx], kind="charter", org_type=result.profile.org_type)
    return [f"{getattr(f, 'rule_id', '')} {getattr(f, 'message', '')}" for f in checked.findings] + checked.errors


def _eval_cases():
    for path in PROFILES:
        yield pytest.param(path, id=path.stem)


@pytest.mark.parametrize("path", list(_eval_cases()))
def test_eval_profiles_pass_the_checker(path, checker, drafter, tmp_path):
    assert _findings(checker, drafter, load_profile(path), tmp_path) == []


@pytest.mark.parametrize("kind,foundation_kind", DEFAULT_KINDS)
def test_type_defaults_pass_the_checker(kind, foundation_kind, checker, drafter, tmp_path):
    overrides = {"funds": {"amount_yuan": 4_000_000}} if foundation_kind == "公募" else {}
    assert _findings(checker, drafter, profile_data(kind, foundation_kind, **overrides), tmp_path) == []
