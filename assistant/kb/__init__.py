"""Knowledge base: load → parse structure → split → embed → store (Chroma + BM25) → retrieve.

One module per pipeline stage; `ingest.IngestService` composes them.
"""
