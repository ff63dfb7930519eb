"""City ↔ district alignment, issuing level, and staff decisions that are kept."""

from __future__ import annotations

import pytest

from assistant.versions.align import admin_level, align_units, higher_level_first
from assistant.versions.reviews import ReviewStore, apply_reviews, pair_key
from assistant.versions.units import read_units
from tests.versions.samples import CITY_NOTICE, DISTRICT_NOTICE, write


@pytest.fixture
def docs(tmp_path):
    return read_units(write(tmp_path, "city.txt", CITY_NOTICE)), read_units(write(tmp_path, "district.txt", DISTRICT_NOTICE))


def test_one_to_many_own_items_and_unmatched_city_tasks(docs):
    city, district = docs
    alignment = align_units(city, district)
    links = {(l.district, l.city) for l in alignment.links}
    assert {("一（一）", "一（一）"), ("一（一）", "一（二）")} <= links  # one district item, two city tasks
    assert ("二（二）", "二（二）") in links
    assert [u.key for u in alignment.own_items] == ["二（一）"]  # the district's own salon
    assert {u.key for u in alignment.unmatched_city} == {"二（一）", "二（三）"}
    link = next(l for l in alignment.links if l.city == "一（二）")
    assert "休眠型" in "".join(link.phrases) and "文字相似度" in link.reason
    assert 0 < link.score <= 1


def test_issuing_level_decides_which_is_the_city(docs):
    city, district = docs
    assert admin_level(city.parsed.info.issuers) == "city"
    assert admin_level(district.parsed.info.issuers) == "county"
    assert admin_level(["某某自治区民政厅"]) == "province"
    upper, lower, swapped = higher_level_first(district, city)
    assert swapped and upper is city and lower is district


def test_staff_decisions_are_kept_and_applied(docs, tmp_path):
    city, district = docs
    store = ReviewStore(tmp_path / "data" / "alignment_reviews.json")
    alignment = align_units(city, district)
    key = pair_key(alignment.city, alignment.district)
    store.decide(key, "一（一）", "一（二）", "removed")
    store.decide(key, "二（二）", "二（二）", "confirmed")
    store.decide(key, "二（一）", "二（一）", "added")
    # A fresh store on the same file: the decisions survived.
    decisions = ReviewStore(tmp_path / "data" / "alignment_reviews.json").decisions(key)
    fresh = apply_reviews(align_units(city, district), decisions)
    links = {(l.district, l.city): l for l in fresh.links}
    assert ("一（一）", "一（二）") not in links
    assert [(l.district, l.city) for l in fresh.removed] == [("一（一）", "一（二）")]
    assert links[("二（二）", "二（二）")].review == "confirmed"
    assert links[("二（一）", "二（一）")].review == "added"
    assert "二（一）" not in {u.key for u in fresh.own_items}
    store.decide(key, "一（一）", "一（二）", None)  # forgetting restores the proposal
    again = apply_reviews(align_units(city, district), store.decisions(key))
    assert ("一（一）", "一（二）") in {(l.district, l.city) for l in again.links}


def test_seed_notices(shared_dir):
    seeds = shared_dir / "seeds"
    city = read_units(seeds / "2026-shanghai-social-org-work-points.txt")
    district = read_units(seeds / "2026-changning-social-org-work-points.txt")
    assert len(district.units) == 17 and len(city.units) == 32
    alignment = align_units(city, district)
    assert len(alignment.items) == 17
    assert alignment.own_items and alignment.unmatched_city
