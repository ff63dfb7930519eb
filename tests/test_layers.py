"""The layers import downwards only (docs/ARCHITECTURE.md): the text basics know nothing else,
the knowledge-base framework knows no domain, the rulebook knows no capability."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "assistant"
# layer -> the assistant packages it must not import
FORBIDDEN = {
    "text": ("kb", "rules", "profile", "checking", "drafting", "forms", "qa", "llm", "ui", "commands", "services"),
    "kb": ("rules", "profile", "checking", "drafting", "forms", "qa", "ui", "commands", "services"),
    "rules": ("kb", "profile", "checking", "drafting", "forms", "qa", "llm", "ui", "commands", "services"),
    "profile": ("kb", "checking", "drafting", "forms", "qa", "llm", "ui", "commands", "services"),
}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("assistant.")}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_downwards(layer):
    bad = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in _imports(path):
            if name.split(".")[1] in FORBIDDEN[layer]:
                bad.append(f"{path.relative_to(PROJECT_ROOT)} imports {name}")
    assert not bad, "\n".join(bad)
