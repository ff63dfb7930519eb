"""The one settings object: defaults, env vars with the SZZS_ prefix, a YAML file."""

from __future__ import annotations


from assistant.settings import PROJECT_ROOT, load_settings


def test_defaults_are_offline_and_local():
    s = load_settings()
    assert s.embedding.backend == "embeddinggemma" and s.embedding.model_path is None  # assembled locally, no hub
    assert s.chroma.mode == "persistent"
    assert s.data_dir == PROJECT_ROOT / "data"
    assert s.ui.host == "127.0.0.1" and s.ui.port == 7860


def test_environment_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("SZZS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SZZS_LLM__BACKEND", "none")
    monkeypatch.setenv("SZZS_CHUNK__SIZE", "250")
    s = load_settings()
    assert s.data_dir == tmp_path
    assert s.llm.backend == "none"
    assert s.chunk.size == 250
    assert s.keyword_index_path == tmp_path / "bm25.json"


def test_yaml_file(monkeypatch, tmp_path):
    config = tmp_path / "cfg.yaml"
    config.write_text("chroma:\n  mode: http\n  port: 8123\nretrieval:\n  k: 7\n", encoding="utf-8")
    monkeypatch.setenv("SZZS_CONFIG", str(config))
    s = load_settings()
    assert s.chroma.mode == "http" and s.chroma.port == 8123
    assert s.retrieval.k == 7
    # environment beats the file
    monkeypatch.setenv("SZZS_RETRIEVAL__K", "3")
    assert load_settings().retrieval.k == 3


def test_hub_downloads_are_switched_off(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    load_settings()
    import os

    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["ANONYMIZED_TELEMETRY"] == "False"


def test_ocr_settings(monkeypatch):
    s = load_settings()
    assert s.ocr.enabled and s.ocr.dpi == 200 and 0 < s.ocr.min_confidence < s.ocr.low_confidence < 1
    monkeypatch.setenv("SZZS_OCR__ENABLED", "false")
    monkeypatch.setenv("SZZS_OCR__DPI", "300")
    s = load_settings()
    assert not s.ocr.enabled and s.ocr.dpi == 300
