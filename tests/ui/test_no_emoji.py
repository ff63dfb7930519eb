"""No emoji in the UI: they render as empty boxes without a colour-emoji font (Debian chromium).

Scanned: the UI's sources, the sources and data whose text the UI shows (checking reports,
risk results, the rulebook and form files, prompts), and the config of the assembled app
(every label, placeholder, choice and initial value the browser receives).
"""

from __future__ import annotations

import json

import pytest

from assistant.settings import PROJECT_ROOT, load_settings
from tests.kb.fakes import HashingEmbeddings
from tests.ui.emoji import emoji_in

SHOWN_TEXT = ["assistant/ui/*.py", "assistant/checking/*.py", "assistant/risk/*.py", "assistant/forms/*.py",
              "assistant/drafting/*.py", "assistant/qa/*.py", "prompts/*", "corpus/rules/*.yaml",
              "corpus/forms/*.yaml", "corpus/localities/*.yaml", "corpus/risk/*.yaml"]


def test_the_detector_tells_emoji_from_text_marks():
    assert len(emoji_in("✅ ❌ ⚠️ ℹ️ 🙂 ⭐")) == 8  # ⚠️ and ℹ️ count twice: the symbol and U+FE0F
    assert emoji_in("【通过】【不符合】【注意】 ✓ ✗ → ★ ○ ▌") == []


@pytest.mark.parametrize("pattern", SHOWN_TEXT)
def test_no_emoji_in_what_the_ui_shows(pattern):
    files = sorted(PROJECT_ROOT.glob(pattern))
    assert files, f"nothing matches {pattern}"
    found = {str(f.relative_to(PROJECT_ROOT)): emoji_in(f.read_text(encoding="utf-8")) for f in files if f.is_file()}
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_no_emoji_in_the_app_config(tmp_path):
    from assistant.services import Services
    from assistant.ui.app import build_app

    services = Services(load_settings(data_dir=tmp_path / "data"))
    services.__dict__["embeddings"] = HashingEmbeddings()  # the app's layout, without loading a model
    config = json.dumps(build_app(services).get_config_file(), ensure_ascii=False, default=str)
    assert "社组助手" in config and "知识库" in config
    assert emoji_in(config) == []
