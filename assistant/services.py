"""The service container: builds each component once, from the settings, and
hands components to the services that need them (PrivateGPT style).

The CLI, the UI, the eval runner and the tests all go through ``Services``;
nothing else constructs embeddings, stores or models. Components are built
lazily so that, e.g., ``python -m assistant check`` never loads the LLM.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from assistant.settings import Settings, load_settings

if TYPE_CHECKING:  # imports for type checkers only; real imports stay lazy
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models.chat_models import BaseChatModel

    from assistant.kb.ingest import IngestService
    from assistant.kb.keyword import KeywordIndex
    from assistant.kb.retriever import HybridRetriever
    from assistant.kb.store import ChunkStore
    from assistant.rules import Locality, Rulebook


class Services:
    def __init__(self, settings: Settings | None = None):
        self.settings = settings or load_settings()

    # --- knowledge base -------------------------------------------------
    @cached_property
    def embeddings(self) -> "Embeddings":
        from assistant.kb.embeddings import build_embeddings

        return build_embeddings(self.settings)

    @cached_property
    def store(self) -> "ChunkStore":
        from assistant.kb.store import ChunkStore

        return ChunkStore.from_settings(self.settings, self.embeddings)

    @cached_property
    def keyword_index(self) -> "KeywordIndex":
        from assistant.kb.keyword import KeywordIndex

        return KeywordIndex.load(self.settings.keyword_index_path, words=self.domain_words)

    @property
    def domain_words(self) -> tuple[str, ...]:
        """The field's vocabulary (corpus/_domain_words.yaml), for the keyword tokenizer."""
        from assistant.rules.vocabulary import domain_words

        name = self.settings.retrieval.domain_words
        return domain_words(self.settings.corpus_dir / name) if name else ()

    @cached_property
    def retriever(self) -> "HybridRetriever":
        from assistant.kb.ranker import SentenceRanker
        from assistant.kb.retriever import HybridRetriever

        cfg = self.settings.retrieval
        return HybridRetriever(
            store=self.store,
            keyword_index=self.keyword_index,
            k=cfg.k,
            candidates=cfg.candidates,
            fusion=cfg.fusion,
            dense_weight=cfg.dense_weight,
            rrf_k=cfg.rrf_k,
            secondary_source_weight=cfg.secondary_source_weight,
            other_locality_weight=cfg.other_locality_weight,
            locality=self.settings.locality,
            thesaurus_path=str(self.settings.corpus_dir / cfg.thesaurus) if cfg.thesaurus else "",
            ranker=SentenceRanker(self.store, weight=cfg.sentence_weight, depth=cfg.rerank_depth),
            superseded_weight=cfg.superseded_weight,
        )

    @cached_property
    def writer_lock(self):
        """One writer at a time on the data directory, across processes (assistant/kb/datadir.py)."""
        from assistant.kb.datadir import WriterLock

        return WriterLock(self.settings.data_dir, self.settings.ingest.lock_timeout_s)

    @cached_property
    def ingest(self) -> "IngestService":
        from assistant.kb.ingest import IngestService

        from assistant.versions.kbsync import ValiditySync

        self.register_knowledge_renderers()
        return IngestService(
            settings=self.settings,
            store=self.store,
            keyword_index=self.keyword_index,
            on_change=[ValiditySync(self.validity_overrides)],
            lock=self.writer_lock,
        )

    @cached_property
    def viewer(self):
        """Indexed documents, whole, opened at a cited passage (from the store's chunks, by doc id only)."""
        from assistant.kb.documents import DocumentViewer

        return DocumentViewer(store=self.store, documents=lambda: self.ingest.documents())

    def register_knowledge_renderers(self) -> None:
        """Let the knowledge base read the rulebook's YAML files (as Markdown): the
        framework knows no data format, the domain registers its own."""
        from assistant.kb.loaders import register_renderer
        from assistant.rules.knowledge import is_rule_file, render_rule_file

        register_renderer(is_rule_file, lambda path: render_rule_file(path, self.rulebook), "rulebook")

    # --- versions and validity (assistant/versions) ------------------------
    @cached_property
    def validity_overrides(self):
        from assistant.versions.overrides import OverrideStore

        return OverrideStore(self.settings.validity_overrides_path)

    @cached_property
    def versions(self):
        from assistant.versions.service import VersionsService

        from assistant.versions.reviews import ReviewStore

        return VersionsService(settings=self.settings, ingest_factory=lambda: self.ingest,
                               overrides=self.validity_overrides,
                               reviews=ReviewStore(self.settings.alignment_reviews_path, lock=self.writer_lock))

    # --- generation -----------------------------------------------------
    @cached_property
    def llm(self) -> "BaseChatModel | None":
        """The chat model for the configured backend, or None for backend 'none'."""
        from assistant.llm.backends import build_chat_model

        return build_chat_model(self.settings)

    @cached_property
    def qa(self):
        from assistant.qa.service import QAService

        return QAService(settings=self.settings, retriever=self.retriever, llm=self.llm)

    # --- the rulebook -------------------------------------------------------
    @cached_property
    def rulebook(self) -> "Rulebook":
        """The legal knowledge for the configured locality, loaded once and handed to
        drafting, checking, forms (and Q&A guidance and risk screening)."""
        from assistant.rules import load_rulebook

        s = self.settings
        return load_rulebook(s.rules_dir, s.localities_dir, s.locality)

    @property
    def locality(self) -> "Locality":
        """The configured locality: place names, districts, local words (see assistant.rules.localities)."""
        return self.rulebook.locality

    # --- drafting, checking, forms ---------------------------------------
    @cached_property
    def drafter(self):
        from assistant.drafting.service import DraftingService

        return DraftingService(settings=self.settings, retriever_factory=lambda: self.retriever, llm_factory=lambda: self.llm,
                               rulebook=self.rulebook)

    @cached_property
    def checker(self):
        from assistant.checking.service import CheckingService

        return CheckingService(settings=self.settings, embeddings_factory=lambda: self.embeddings, rulebook=self.rulebook)

    @cached_property
    def filler(self):
        from assistant.forms.service import FormFillingService

        return FormFillingService(settings=self.settings, retriever_factory=lambda: self.retriever, llm_factory=lambda: self.llm,
                                  rulebook=self.rulebook)

    # --- risk identification ------------------------------------------------
    @cached_property
    def risk(self):
        """Risk screening of registry exports and annual reports against the rulebook's indicators."""
        from assistant.risk.service import RiskService

        return RiskService(settings=self.settings, rulebook=self.rulebook)
