"""Policy Q&A: retrieval → context → prompt → streamed answer → citation verification.

Modules:
    text.py       sentence splitting, normalisation, overlap and fact extraction (pure functions)
    passages.py   Passage (a numbered retrieved chunk) and token-budgeted context assembly
    citations.py  [n] markers: parsing, verification, supporting sentences, the grounding guard
    followup.py   follow-up rewriting against the previous question; comparison detection
    service.py    QAService: the chain the CLI, UI, eval and tests share
"""
