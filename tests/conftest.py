"""Shared fixtures. Tests that need ../shared skip with a clear reason when it is absent."""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT, Settings, load_settings

SHARED_DIR = PROJECT_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED_DIR / "seeds").is_dir():
        pytest.skip(f"../shared is not present beside the checkout ({SHARED_DIR}); "
                    "these tests read the shared regulations and seeds in place")
    return SHARED_DIR


@pytest.fixture
def tmp_settings(tmp_path: Path) -> Settings:
    """Settings whose data directory is private to the test (the corpus stays the repo's)."""
    return load_settings(data_dir=tmp_path / "data")


@functools.lru_cache(maxsize=None)
def shipped_rulebook(locality: str = "上海市"):
    """The shipped rulebook (corpus/rules, corpus/localities) for one locality, loaded once."""
    from assistant.rules import load_rulebook

    corpus = PROJECT_ROOT / "corpus"
    return load_rulebook(corpus / "rules", corpus / "localities", locality)


@pytest.fixture(scope="session")
def rulebook():
    """The shipped rulebook for the default locality (上海市)."""
    return shipped_rulebook()


def deep_merge(base: dict, overrides: dict) -> dict:
    """``base`` with ``overrides`` merged in, nested dicts key by key (neither is changed)."""
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out
