"""Document viewer service: a whole indexed document from its chunks, opened at a cited
passage, by doc id only; a rule's basis read into links to the articles it names."""

from __future__ import annotations

import pytest

from assistant.kb.documents import DocumentNotFound, DocumentViewer, find_quote, normalized_article
from assistant.settings import PROJECT_ROOT
from tests.kb.conftest import FakeKB

LONG_ITEM = "理事会由会员代表大会选举产生，对会员代表大会负责，" * 30  # longer than a chunk: split with overlap
REGULATION = f"""星河市社会团体管理办法

第一条 为了规范社会团体的登记管理，制定本办法。

第二条 社会团体应当遵守宪法、法律、法规和国家政策。

第三条 成立社会团体，应当有五十个以上的个人会员或者三十个以上的单位会员。

第四条 {LONG_ITEM}

第十条 社会团体的章程应当包括名称、住所、宗旨和业务范围。
"""


@pytest.fixture(scope="module")
def viewer_kb(tmp_path_factory):
    root = tmp_path_factory.mktemp("viewer")
    path = root / "星河市社会团体管理办法.txt"
    path.write_text(REGULATION, encoding="utf-8")
    kb = FakeKB(root / "data")
    kb.ingest.run([path, PROJECT_ROOT / "corpus" / "policies"])
    viewer = DocumentViewer(kb.store, kb.ingest.documents)
    doc_id = next(d["doc_id"] for d in kb.ingest.documents() if d["title"] == "星河市社会团体管理办法")
    return kb, viewer, doc_id


def test_the_whole_document_is_rebuilt_from_its_chunks_without_repeats(viewer_kb):
    _, viewer, doc_id = viewer_kb
    doc = viewer.open(doc_id)
    text = "".join(c.text for c in doc.chunks)
    assert doc.title == "星河市社会团体管理办法" and doc.target is None
    for article in ("第一条", "第二条", "第三条", "第四条", "第十条"):
        assert text.count(article) == 1
    assert text.count("对会员代表大会负责") == LONG_ITEM.count("对会员代表大会负责")
    assert len(doc.chunks) > 5  # the long article took several chunks


def test_opened_at_a_chunk_with_the_quote_found(viewer_kb):
    kb, viewer, doc_id = viewer_kb
    hit = kb.retriever.search("单位会员 个人会员 成立", k=1)[0]
    doc = viewer.open(doc_id, chunk_id=hit.id, quote="五十个以上的个人会员")
    assert doc.located.chunk_id == hit.id and doc.located.article == "第三条"
    assert doc.quote == "五十个以上的个人会员" and doc.note == ""


def test_located_by_an_article_in_either_numeral(viewer_kb):
    _, viewer, doc_id = viewer_kb
    assert viewer.open(doc_id, locate="第10条").located.article == "第十条"
    assert viewer.open(doc_id, locate="第十条").located.article == "第十条"
    missing = viewer.open(doc_id, locate="第九十九条")
    assert missing.target is None and "第九十九条" in missing.note and missing.chunks


def test_located_by_a_phrase_which_is_then_highlighted(viewer_kb):
    _, viewer, doc_id = viewer_kb
    doc = viewer.open(doc_id, locate="名称、住所")
    assert doc.located.article == "第十条" and doc.quote == "名称、住所"


def test_unknown_or_malformed_ids_are_not_found(viewer_kb):
    _, viewer, _ = viewer_kb
    for doc_id in ("0123456789abcdef", "../../etc/passwd", "corpus/policies/x.txt", ""):
        with pytest.raises(DocumentNotFound, match="没有编号为"):
            viewer.open(doc_id)


def test_a_basis_names_its_articles(viewer_kb):
    kb, viewer, doc_id = viewer_kb
    refs = viewer.references("星河市社会团体管理办法 第十条；《星河市社会团体管理办法》第3条；民函〔2018〕78号")
    assert [r.text for r in refs] == ["星河市社会团体管理办法 第十条", "《星河市社会团体管理办法》第3条", "民函〔2018〕78号"]
    assert refs[0].doc_id == doc_id and kb.store.get([refs[0].chunk_id])[refs[0].chunk_id].metadata["article"] == "第十条"
    assert kb.store.get([refs[1].chunk_id])[refs[1].chunk_id].metadata["article"] == "第三条"
    assert refs[2].doc_id == "" and refs[2].chunk_id == ""
    # A document named without an article is linked as a whole.
    whole = viewer.references("星河市社会团体管理办法（2020年修订）")
    assert whole[0].doc_id == doc_id and whole[0].chunk_id == ""


def test_quotes_match_across_line_breaks():
    assert find_quote("第一行\n第二行", "第一行第二行") == "第一行\n第二行"
    assert find_quote("abc", "xyz") == ""
    assert normalized_article("依据第 12 条") == "第十二条" and normalized_article("第五章") == ""
