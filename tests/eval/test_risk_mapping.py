"""The eval's one table from our rule ids to the blind generator's indicator keys stays complete."""

from __future__ import annotations

from eval.risk import MAPPING
from eval.risk_synth import INDICATORS


def test_every_indicator_is_mapped_and_every_generator_key_is_covered(rulebook):
    ours = {r.id for r in rulebook.rules if r.type == "indicator"} | set(rulebook.inapplicable)
    assert set(MAPPING) == {i for i in ours if i.startswith("RK-")}
    assert {v for v in MAPPING.values() if v} == set(INDICATORS)


def test_the_product_does_not_import_the_generator():
    from assistant.settings import PROJECT_ROOT

    for path in (PROJECT_ROOT / "assistant").rglob("*.py"):
        assert "risk_synth" not in path.read_text(encoding="utf-8"), path
