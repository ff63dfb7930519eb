"""An answer that cites a superseded text says so (“该条款已于…被修订”)."""

from __future__ import annotations

from assistant.kb.ingest import source_name
from assistant.qa.passages import Passage
from assistant.qa.service import QAService
from assistant.versions.qa_notes import NOTE_PREFIX, validity_notes

OLD = {"valid_from": "2016-09-01", "valid_from_int": 20160901, "valid_to": "2023-12-29", "valid_to_int": 20231229,
       "version_date": "2016-03-16", "superseded_by": "new.md", "superseded_by_label": "《慈善法》（2023-12-29）"}


def passage(n=1, **validity):
    return Passage(n=n, text="依法登记满二年的慈善组织，可以申请公开募捐资格。", title="慈善法", article="第二十二条",
                   source="old.md", validity=validity)


def test_superseded_citation_gets_a_note():
    notes = validity_notes([passage(**OLD)], as_of="2025-01-01")
    assert notes == [f"{NOTE_PREFIX}[1] 《慈善法》（2016-03-16版） 第二十二条：该条款已于2023-12-29被修订，"
                     f"现行版本为《慈善法》（2023-12-29）；以上引用的是旧文本。"]


def test_past_date_answer_says_the_text_changed_since():
    notes = validity_notes([passage(**OLD)], as_of="2020-01-01")
    assert len(notes) == 1 and "按 2020-01-01 时有效的文本作答" in notes[0] and "已于2023-12-29被修订" in notes[0]


def test_no_note_for_texts_in_force_or_without_validity():
    current = dict(OLD, valid_to="", valid_to_int=0, superseded_by="")
    assert validity_notes([passage(**current), passage(n=2)], as_of="2025-01-01") == []


def test_repealed_text():
    repealed = dict(OLD, superseded_by="", repealed_by="x.md", repealed_by_label="《新条例》（2023-12-29）")
    assert "该条款已于2023-12-29废止（《新条例》（2023-12-29））" in validity_notes([passage(**repealed)], "2024-01-01")[0]


def test_qa_service_answers_as_of_a_date_and_flags_the_old_text(versions_kb, two_versions):
    versions_kb.ingest.run(list(two_versions))
    settings = versions_kb.settings.model_copy(update={"llm": versions_kb.settings.llm.model_copy(
        update={"backend": "none"})})
    qa = QAService(settings, versions_kb.retriever, llm=None)
    question = "志愿服务组织登记满几年可以申请星级评定？"
    past = qa.ask(question, as_of="2020-01-01")
    assert past.grounded and "满二年" in past.citations[0].passage.text
    assert "按 2020-01-01 时有效的文本作答；该条款已于2024-03-20被修订" in past.answer
    now = qa.ask(question, as_of="2025-01-01")
    assert "满一年" in now.citations[0].passage.text and NOTE_PREFIX not in now.answer
    # Ranked below instead of left out, the old text is retrieved too, but the evidence is
    # taken from the version in force (it ranks first and says the same in current words).
    versions_kb.retriever.superseded_weight = 0.5
    demoted = qa.ask(question, as_of="2025-01-01")
    old_source = source_name(two_versions[0])
    assert any(p.source == old_source for p in demoted.passages)
    assert demoted.grounded and [c.passage.source for c in demoted.citations][0] != old_source
    assert "满一年" in demoted.citations[0].quote
