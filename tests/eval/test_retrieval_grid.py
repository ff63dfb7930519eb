"""The grid's variants reach the retriever's attributes (a typo would silently test the defaults)."""

from types import SimpleNamespace

from eval.retrieval_grid import VARIANTS, apply, snapshot


def _retriever():
    return SimpleNamespace(dense_weight=0.7, secondary_source_weight=0.7, other_locality_weight=0.7,
                           thesaurus_path="t.yaml", candidates=40, fusion="weighted",
                           ranker=SimpleNamespace(weight=1.0, depth=20))


def test_every_variant_changes_what_it_names_and_restores():
    r = _retriever()
    defaults = snapshot(r)
    for name, change in VARIANTS.items():
        apply(r, defaults)
        apply(r, change)
        after = snapshot(r)
        for key, value in change.items():
            if key == "priors":
                assert after["secondary_source_weight"] == after["other_locality_weight"] == value, name
            else:
                assert after[key] == value, name
    apply(r, defaults)
    assert snapshot(r) == defaults
