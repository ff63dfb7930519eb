"""Version chains, repeals, status on a date, and user overrides winning."""

from __future__ import annotations

from assistant.versions.asof import IN_FORCE, NOT_YET, REPEALED, REVISED
from assistant.versions.chains import DocumentFacts, resolve
from assistant.versions.overrides import make_override
from assistant.versions.validity import Repeal, ValidityFacts


def doc(source, series, version_date, stated="", revised="", repeals=(), title=None):
    return DocumentFacts(source=source, title=title or series, facts=ValidityFacts(
        series=series, version_date=version_date, stated_effective=stated, revised_on=revised,
        repeals=list(repeals)))


def test_later_version_supersedes_earlier():
    out = resolve([doc("new.md", "慈善法", "2023-12-29", stated="2016-09-01", revised="2023-12-29"),
                   doc("old.md", "慈善法", "2016-03-16", stated="2016-09-01")])
    old, new = out["old.md"], out["new.md"]
    assert old.chain == new.chain == ["old.md", "new.md"]
    assert old.valid_from == "2016-09-01" and old.valid_to == "2023-12-29"
    assert old.superseded_by == "new.md" and "2023-12-29" in old.superseded_by_label
    assert old.status("2016-05-01") == NOT_YET
    assert old.status("2020-01-01") == IN_FORCE
    assert old.status("2024-01-01") == REVISED
    assert new.status("2020-01-01") == NOT_YET and new.status("2024-01-01") == IN_FORCE
    assert new.valid_to == "" and new.superseded_by == ""


def test_three_versions_point_to_the_newest():
    out = resolve([doc("a", "X条例", "2010-01-01"), doc("b", "X条例", "2015-01-01"), doc("c", "X条例", "2020-01-01")])
    assert out["a"].valid_to == "2015-01-01" and out["a"].superseded_by == "c"
    assert out["b"].valid_to == "2020-01-01" and out["b"].superseded_by == "c"


def test_same_date_copies_do_not_supersede_each_other():
    out = resolve([doc("copy1", "X条例", "2020-01-01"), doc("copy2", "X条例", "2020-01-01")])
    assert out["copy1"].valid_to == "" and out["copy2"].valid_to == ""


def test_repeal_ends_older_texts_only():
    out = resolve([
        doc("old-rule", "Y规定", "2009-03-01"),
        doc("later-rule", "Y规定", "2030-01-01"),  # a later text of that title is not repealed
        doc("repealer", "Z办法", "2018-05-10", stated="2018-07-01", repeals=[Repeal("Y规定", "2009-03-01")]),
    ])
    assert out["old-rule"].repealed_by == "repealer" and out["old-rule"].valid_to == "2018-07-01"
    assert out["old-rule"].status("2019-01-01") == REPEALED
    assert out["later-rule"].repealed_by == ""


def test_user_override_wins_and_moves_the_chain():
    overrides = {"new.md": make_override(valid_from="2024-09-05", note="修正自2024年9月5日起施行")}
    out = resolve([doc("old.md", "慈善法", "2016-03-16", stated="2016-09-01"),
                   doc("new.md", "慈善法", "2023-12-29", revised="2023-12-29")], overrides)
    assert out["new.md"].valid_from == "2024-09-05" and out["new.md"].set_by["valid_from"] == "user"
    assert out["old.md"].valid_to == "2024-09-05"  # in force until the new version is
    assert out["old.md"].status("2024-06-01") == IN_FORCE
    assert out["new.md"].overridden() and out["new.md"].note.startswith("修正")


def test_status_overrides():
    docs = [doc("old.md", "X", "2010-01-01"), doc("new.md", "X", "2020-01-01")]
    kept = resolve(docs, {"old.md": make_override(status=IN_FORCE)})
    assert kept["old.md"].status("2024-01-01") == IN_FORCE and kept["old.md"].superseded_by == ""
    gone = resolve(docs, {"new.md": make_override(status=REPEALED)})
    assert gone["new.md"].status("2024-01-01") == REPEALED
    dated = resolve(docs, {"new.md": make_override(status=REPEALED, valid_to="2025-01-01")})
    assert dated["new.md"].status("2024-06-01") == IN_FORCE and dated["new.md"].status("2025-01-01") == REPEALED


def test_sidecar_loses_to_the_ui():
    sidecar = make_override(origin="sidecar", valid_from="2021-01-01")
    d = doc("a.md", "X", "2020-01-01")
    d.sidecar = sidecar
    assert resolve([d])["a.md"].valid_from == "2021-01-01"
    assert resolve([d], {"a.md": make_override(valid_from="2022-02-02")})["a.md"].valid_from == "2022-02-02"


def test_bad_override_values_are_explained():
    import pytest

    from assistant.versions.overrides import OverrideError

    with pytest.raises(OverrideError, match="无法识别"):
        make_override("“a.md”", valid_from="明年")
    with pytest.raises(OverrideError, match="状态"):
        make_override("“a.md”", status="失效了")
    with pytest.raises(OverrideError, match="不晚于"):
        make_override("“a.md”", valid_from="2024-01-01", valid_to="2023-01-01")
