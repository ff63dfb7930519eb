"""Which rule is in force: validity, version chains, article-level diffs, city ↔ district alignment.

    units.py      articles / notice items of a parsed document (assistant/kb/structure.py)
    validity.py   what a document says about its own validity (施行, 修正, 有效期, 同时废止)
    overrides.py  what the user sets (知识库 tab, ``<file>.validity.yaml``): it wins
    chains.py     version chains and each document's resolved validity
    asof.py       status on a date from chunk metadata (retriever, Q&A notes)
    kbsync.py     the ingest hook writing validity into the manifest and the chunks
    qa_notes.py   “该条款已于…被修订”: notes for answers citing superseded text
    diff.py       article-level diff between two versions
    align.py      city ↔ district item alignment; reviews.py: staff decisions on links
    export.py     DOCX 修订对照表, XLSX 市区对照表
    service.py    VersionsService, used by the CLI, the UI and the eval

Keep this file free of imports: the retriever imports asof.py on every search.
"""
