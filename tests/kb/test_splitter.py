"""Chunk invariants."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.kb.loaders import load_file
from assistant.kb.splitter import split_document
from assistant.kb.structure import parse_document
from assistant.settings import PROJECT_ROOT, ChunkSettings

POLICIES = PROJECT_ROOT / "corpus" / "policies"


def chunks_of(path: Path, size=400):
    parsed = parse_document(load_file(path).text, path, path.name)
    return parsed, split_document(parsed, ChunkSettings(size=size, overlap=60))


@pytest.mark.parametrize("size", [150, 400, 800])
def test_chunks_never_span_top_level_sections(size):
    parsed, chunks = chunks_of(POLICIES / "2026-shanghai-social-org-work-points.txt", size)
    for chunk in chunks:
        start, end = chunk.metadata["char_start"], chunk.metadata["char_end"]
        assert parsed.text[start:end] == chunk.text
        tops = {parsed.top_ids[i] for i, p in enumerate(parsed.paragraphs) if p.start < end and p.end > start}
        assert len(tops) == 1, chunk.metadata["section"]
        # long sections are cut near the target size, at sentence ends
        assert len(chunk.text) <= size * 1.6
        # cuts fall at paragraph ends or sentence ends, never mid-sentence
        paragraph_ends = {p.end for p in parsed.paragraphs}
        assert end in paragraph_ends or chunk.text[-1] in "。；！？”", chunk.text[-20:]


def test_regulation_chunks_never_span_two_articles(shared_dir):
    parsed, chunks = chunks_of(shared_dir / "regulations" / "慈善法(2023-12-29).md", 300)
    for chunk in chunks:
        if chunk.metadata["article"]:
            assert chunk.text.count("第") == 0 or sum(
                1 for line in chunk.text.split("\n\n") if line.startswith("第") and "条 " in line[:8]) <= 1
            assert chunk.metadata["section"].endswith(chunk.metadata["article"])
    long_article = [c for c in chunks if c.metadata["article"] == "第六十一条"]
    assert long_article and all(c.metadata["section"].startswith("第") for c in long_article)


def test_chunk_metadata_and_prefixed_index_text():
    _, chunks = chunks_of(POLICIES / "2026-shanghai-social-org-work-points.txt")
    hit = next(c for c in chunks if "沪社星耀" in c.text)
    md = hit.metadata
    assert md["title"] == "2026年上海市社会组织工作要点"
    assert md["doc_number"] == "沪民社登发〔2026〕1号"
    assert md["issuers"] == "上海市民政局"
    assert md["date"] == "2026-03-03" and md["date_int"] == 20260303
    assert md["doc_type"] == "policy"
    assert md["section"].startswith("四、开展社会组织培育扶持行动 > （")
    assert hit.index_text.startswith("2026年上海市社会组织工作要点\n四、开展社会组织培育扶持行动")
    assert hit.index_text.endswith(hit.text)
    header = chunks[0]
    assert header.metadata["section"] == "文件头" and "沪民社登发〔2026〕1号" in header.text


def test_long_paragraph_is_split_with_overlap():
    sentences = [f"第{i}句说明社会组织的一项具体要求并且足够长以便测试。" for i in range(1, 30)]
    raw = "一、总体要求\n\n" + "".join(sentences)
    parsed = parse_document(raw, Path("x.txt"), "x.txt")
    chunks = split_document(parsed, ChunkSettings(size=120, overlap=40))
    assert len(chunks) > 3
    for a, b in zip(chunks, chunks[1:]):
        assert b.metadata["char_start"] < a.metadata["char_end"]  # overlap
        assert a.text.endswith("。")


def test_ids_are_stable():
    _, a = chunks_of(POLICIES / "2026-changning-social-org-work-points.txt")
    _, b = chunks_of(POLICIES / "2026-changning-social-org-work-points.txt")
    assert [c.id for c in a] == [c.id for c in b]
    assert len({c.id for c in a}) == len(a)
