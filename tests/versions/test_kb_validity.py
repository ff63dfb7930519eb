"""Validity in the knowledge base: manifest, chunk metadata, the as-of filter, overrides
that win and survive re-ingest."""

from __future__ import annotations

from assistant.kb.ingest import source_name
from assistant.versions.asof import IN_FORCE, NOT_YET, REVISED

QUESTION = "志愿服务组织登记满几年可以申请星级评定"


def sources(two_versions):
    return [source_name(p) for p in two_versions]


def versions_of(docs):
    return [d.metadata.get("version_date") for d in docs]


def test_manifest_and_chunks_carry_validity(versions_kb, two_versions):
    versions_kb.ingest.run(list(two_versions))
    old, new = sources(two_versions)
    files = versions_kb.ingest.manifest["files"]
    assert files[old]["validity"]["valid_to"] == "2024-03-20"
    assert files[old]["validity"]["superseded_by"] == new
    assert files[new]["validity"]["valid_from"] == "2024-03-20"
    chunks = versions_kb.store.get(files[old]["chunk_ids"])
    md = next(iter(chunks.values())).metadata
    assert md["valid_from_int"] == 20180701 and md["valid_to_int"] == 20240320
    assert md["superseded_by"] == new and md["version_of"] == "星河市志愿服务促进办法"
    rows = {r["source"]: r for r in versions_kb.versions.documents(as_of="2025-01-01")}
    assert rows[old]["status"] == REVISED and rows[new]["status"] == IN_FORCE
    assert rows[old]["chain"] == "【2018-05-10】 → 2024-03-20"
    assert versions_kb.versions.documents(as_of="2018-06-01")[0]["status"] == NOT_YET


def test_as_of_leaves_out_texts_not_in_force(versions_kb, two_versions):
    versions_kb.ingest.run(list(two_versions))
    today = versions_kb.retriever.search(QUESTION, k=8)
    assert today[0].metadata["version_date"] == "2024-03-20" and "满一年" in today[0].page_content
    assert set(versions_of(today)) == {"2024-03-20"}  # the superseded version is left out (the default)
    past = versions_kb.retriever.search(QUESTION, k=8, as_of="2020-01-01")
    assert past[0].metadata["version_date"] == "2018-05-10" and "满二年" in past[0].page_content
    assert set(versions_of(past)) == {"2018-05-10"}  # the new one is not yet in force in 2020
    assert versions_kb.retriever.search(QUESTION, k=4, as_of="2017-01-01") == []  # neither in force yet


def test_superseded_weight_demotes_instead(versions_kb, two_versions):
    versions_kb.ingest.run(list(two_versions))
    versions_kb.retriever.superseded_weight = 0.5
    today = versions_kb.retriever.search(QUESTION, k=4)
    assert today[0].metadata["version_date"] == "2024-03-20"
    assert "2018-05-10" in versions_of(today)  # ranked lower, not gone


def test_exact_phrase_of_a_text_not_in_force_is_left_out(versions_kb, two_versions):
    versions_kb.ingest.run(list(two_versions))
    hits = versions_kb.retriever.search("“不得变相收费”", k=3, as_of="2020-01-01")
    assert all(d.metadata["version_date"] == "2018-05-10" for d in hits)


def test_sidecar_override(versions_kb, two_versions):
    old_path, new_path = two_versions
    new_path.with_name(new_path.name + ".validity.yaml").write_text(
        "施行日期: 2025-01-01\n备注: 修订自2025年1月1日起施行\n", encoding="utf-8")
    versions_kb.ingest.run([old_path.parent])  # the sidecar itself is not ingested as a document
    old, new = sources(two_versions)
    files = versions_kb.ingest.manifest["files"]
    assert set(files) == {old, new}
    assert files[new]["validity"]["valid_from"] == "2025-01-01"
    assert files[new]["validity"]["set_by"]["valid_from"] == "sidecar"
    assert files[old]["validity"]["valid_to"] == "2025-01-01"
    hits = versions_kb.retriever.search(QUESTION, k=3, as_of="2024-06-01")
    assert hits[0].metadata["version_date"] == "2018-05-10"


def test_bad_sidecar_is_reported_not_fatal(versions_kb, two_versions):
    old_path, new_path = two_versions
    new_path.with_name(new_path.name + ".validity.yaml").write_text("施行日期: 下个月\n", encoding="utf-8")
    report = versions_kb.ingest.run(list(two_versions))
    assert not report.failed
    row = next(r for r in versions_kb.versions.documents() if r["source"] == source_name(new_path))
    assert row["problems"] and "无法识别" in row["problems"][0] and ".validity.yaml" in row["problems"][0]


def test_user_override_survives_reingest_of_a_changed_file(versions_kb, two_versions):
    old_path, new_path = two_versions
    versions_kb.ingest.run(list(two_versions))
    old, new = sources(two_versions)
    versions_kb.versions.set_validity(new, valid_from="2024-09-05", note="以决定为准")
    new_path.write_text(new_path.read_text(encoding="utf-8") + "\n第九条 本条为测试追加。\n", encoding="utf-8")
    report = versions_kb.ingest.run(list(two_versions))
    assert report.updated == [new]
    files = versions_kb.ingest.manifest["files"]
    assert files[new]["validity"]["valid_from"] == "2024-09-05"
    assert files[new]["validity"]["note"] == "以决定为准"
    assert files[old]["validity"]["valid_to"] == "2024-09-05"
    chunk = next(iter(versions_kb.store.get(files[new]["chunk_ids"]).values()))
    assert chunk.metadata["valid_from_int"] == 20240905  # the re-written chunks got it too
    # A rebuild from scratch keeps it as well: overrides live outside the index.
    versions_kb.ingest.run(list(two_versions), rebuild=True)
    assert versions_kb.ingest.manifest["files"][new]["validity"]["valid_from"] == "2024-09-05"
    versions_kb.versions.set_validity(new)  # all empty: back to what the text says
    assert versions_kb.ingest.manifest["files"][new]["validity"]["valid_from"] == "2024-03-20"


def test_deleting_the_new_version_restores_the_old(versions_kb, two_versions):
    versions_kb.ingest.run(list(two_versions))
    old, new = sources(two_versions)
    versions_kb.ingest.delete(new)
    entry = versions_kb.ingest.manifest["files"][old]
    assert entry["validity"]["valid_to"] == "" and entry["validity"]["superseded_by"] == ""
    md = next(iter(versions_kb.store.get(entry["chunk_ids"]).values())).metadata
    assert md["valid_to_int"] == 0 and md["superseded_by"] == ""


def test_status_filter_picks_texts_in_force_or_superseded(versions_kb, two_versions):
    versions_kb.ingest.run(list(two_versions))
    retriever = versions_kb.retriever
    superseded = retriever.search(QUESTION, k=8, status="superseded")
    assert superseded and set(versions_of(superseded)) == {"2018-05-10"}
    assert "满二年" in superseded[0].page_content
    in_force = retriever.search(QUESTION, k=8, status="in_force")
    assert in_force and set(versions_of(in_force)) == {"2024-03-20"}
    both = retriever.search(QUESTION, k=8, status="any")
    assert set(versions_of(both)) == {"2018-05-10", "2024-03-20"}
    # Filtered before the candidates are cut: as many hits as without the filter, when there are enough.
    retriever.superseded_weight = 0.5
    assert len(retriever.search(QUESTION, k=3, status="in_force")) == 3
    assert set(versions_of(retriever.search(QUESTION, k=3, status="in_force"))) == {"2024-03-20"}
    # On a date before the revision the old text is the one in force.
    assert retriever.search(QUESTION, k=8, status="superseded", as_of="2020-01-01") == []
    # An exact phrase of the new text leads only while texts in force are searched.
    phrase = "“不得变相收费”"
    assert "不得变相收费" in retriever.search(phrase, k=3, status="in_force")[0].page_content
    old_only = retriever.search(phrase, k=3, status="superseded")
    assert old_only and all(d.metadata["version_date"] == "2018-05-10" for d in old_only)
