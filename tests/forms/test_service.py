"""Service-level behaviour: unknown forms and rule kinds, and the eval cases as a regression set."""

from __future__ import annotations


import pytest

from assistant.forms.service import FormFillingService, FormNotFoundError
from assistant.settings import load_settings


def test_unknown_form_names_the_known_ones(service):
    with pytest.raises(FormNotFoundError) as info:
        service.form("nope")
    assert "shetuan_establishment" in str(info.value) and "unknown form" in str(info.value)


def test_unknown_cross_rule_kind_is_reported_at_load(tmp_path, rulebook):
    corpus = tmp_path / "corpus"
    forms_dir = corpus / "forms"
    forms_dir.mkdir(parents=True)
    (forms_dir / "x.yaml").write_text(
        "id: x\ntitle: 表\nfields:\n  - {id: a, label: 甲, help: 说明}\ncross_rules:\n  - {kind: no_such_rule, fields: [a]}\n",
        encoding="utf-8")
    service = FormFillingService(load_settings(corpus_dir=corpus, data_dir=tmp_path / "data"), rulebook=rulebook)
    assert "x" in service.forms
    assert any("no_such_rule" in e and "unknown cross rule kind" in e for e in service.load_errors)


def test_unknown_field_in_entries_is_an_error(service):
    filled = service.prefill("change_registration")
    with pytest.raises(KeyError, match="没有字段"):
        service.apply(filled, {"colour": "red"})


def test_eval_cases_meet_their_targets(capsys):
    from eval.filling import main

    assert main(["--no-round-trip"]) == 0
    out = capsys.readouterr().out
    assert "invalid values caught: 100.0%" in out
