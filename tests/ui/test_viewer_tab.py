"""The 文档 tab's rendering and links (the service itself: tests/kb/test_documents.py)."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import parse_qs

from assistant.kb.documents import DocumentNotFound, Reference, ViewedChunk, ViewedDocument
from assistant.ui.viewer_tab import basis_html, document_html, open_link, view, viewer_href


def _doc(**extra) -> ViewedDocument:
    chunks = [ViewedChunk("c0", "第一条 总则。"), ViewedChunk("c1", "第十条 章程应当包括<名称>和住所。", article="第十条")]
    return ViewedDocument(doc_id="abcdef0123456789", source="corpus/x.txt", title="星河市办法", chunks=chunks, **extra)


def test_the_target_is_marked_and_the_quote_highlighted_escaped():
    page = document_html(_doc(target=1, quote="<名称>和住所"))
    assert 'class="szzs-chunk szzs-target" id="chunk-1"' in page
    assert "<mark>&lt;名称&gt;和住所</mark>" in page and "已定位到：第十条" in page
    assert page.count("szzs-target") == 1 and "<mark>" not in page.split('id="chunk-1"')[0]


def test_links_carry_ids_and_the_quote_only():
    href = viewer_href("abcdef0123456789", "abcdef0123456789-0003-1a2b3c4d", "评估 等级&占比")
    assert parse_qs(href[1:]) == {"doc": ["abcdef0123456789"], "chunk": ["abcdef0123456789-0003-1a2b3c4d"],
                                  "q": ["评估 等级&占比"]}
    link = open_link("abcdef0123456789", text="《办法》第十条")
    assert 'target="_blank"' in link and "《办法》第十条</a>" in link
    assert open_link("", "c1") == ""  # nothing to open without a document


class _Viewer:
    def __init__(self, doc=None):
        self.doc = doc

    def open(self, doc_id, chunk_id="", locate="", quote=""):
        if self.doc is None or doc_id != self.doc.doc_id:
            raise DocumentNotFound(doc_id)
        return self.doc

    def doc_of_chunk(self, chunk_id):
        return self.doc.doc_id if self.doc and chunk_id.startswith(self.doc.doc_id) else ""

    def references(self, basis):
        return [Reference("星河市办法 第十条", "abcdef0123456789", "c1"), Reference("民函〔2018〕78号")]


def test_an_unknown_document_is_a_clear_404():
    page = view(SimpleNamespace(viewer=_Viewer()), "0000000000000000")
    assert "404：未找到文档" in page and "0000000000000000" in page


def test_a_chunk_alone_finds_its_document():
    services = SimpleNamespace(viewer=_Viewer(_doc(target=1)))
    assert "星河市办法" in view(services, "", chunk_id="abcdef0123456789-0001-aaaa")


def test_a_basis_links_the_parts_that_name_indexed_documents():
    page = basis_html(SimpleNamespace(viewer=_Viewer()), "星河市办法 第十条；民函〔2018〕78号")
    assert page.count("<a ") == 1 and "chunk=c1" in page and page.endswith("；民函〔2018〕78号")
