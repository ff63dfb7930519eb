"""City ↔ district alignment: which district items implement which city items.

A district notice restates and extends its city's notice item by item, often
bundling several city tasks into one item, so the alignment is one-to-many:

    every district item × every city item
      ─ similarity: tf-idf cosine over character 2/3-grams of the two items, or of the
        district item's best sentence against the city item (a bundled item matches
        each of its city tasks with one sentence); idf over both notices, so the
        words every item shares (社会组织, 推动) count for little
      ─ a link when the score is at least ``MIN_SCORE`` and stands out from the district
        item's scores against all other city items (robust z ≥ ``MIN_ROBUST_Z``)
      ─ the reason: the distinctive phrases both items share, and the similarity
    district items with no link are the district's own; city items no district item
    links to are tasks the district does not mention.

Staff decisions (confirm / remove / add a link) are applied on top (reviews.py).
Nothing here knows a place name: which document is the city's comes from the caller
(or ``admin_level``, read from the issuers).
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from assistant.versions.diff import DocumentRef
from assistant.versions.units import Unit, UnitDocument

MIN_SCORE = 0.15
MIN_ROBUST_Z = 5.0
MIN_SENTENCE_CHARS = 15
MIN_PHRASE_CHARS = 4
# A phrase found in more than this share of all items is boilerplate, not a reason.
MAX_PHRASE_SHARE = 0.25
MAX_PHRASES = 4
PHRASE_SHOWN = 24  # characters of a shared phrase shown in a reason


@dataclass
class Link:
    district: str  # district item key, e.g. 二（二）
    city: str  # city item key, e.g. 三（三）
    score: float
    similarity: float
    phrases: list[str] = field(default_factory=list)
    review: str = ""  # "" | confirmed | removed | added (by staff)

    @property
    def reason(self) -> str:
        if self.review == "added":
            return "人工添加"
        parts = []
        if self.phrases:
            shown = (p if len(p) <= PHRASE_SHOWN else p[:PHRASE_SHOWN] + "…" for p in self.phrases)
            parts.append("共同表述：" + "、".join(f"“{p}”" for p in shown))
        parts.append(f"文字相似度 {self.similarity:.2f}")
        if self.review == "confirmed":
            parts.append("已人工确认")
        return "；".join(parts)

    def to_json(self) -> dict:
        return {"district": self.district, "city": self.city, "score": round(self.score, 3),
                "similarity": round(self.similarity, 3), "phrases": self.phrases, "reason": self.reason,
                "review": self.review}


@dataclass
class AlignedItem:
    unit: Unit
    links: list[Link] = field(default_factory=list)

    @property
    def own(self) -> bool:
        return not self.links


@dataclass
class Alignment:
    city: DocumentRef
    district: DocumentRef
    items: list[AlignedItem]
    city_units: list[Unit]
    removed: list[Link] = field(default_factory=list)  # links staff removed
    notes: list[str] = field(default_factory=list)

    @property
    def links(self) -> list[Link]:
        return [link for item in self.items for link in item.links]

    @property
    def unmatched_city(self) -> list[Unit]:
        linked = {link.city for link in self.links}
        return [u for u in self.city_units if u.key not in linked]

    @property
    def own_items(self) -> list[Unit]:
        return [item.unit for item in self.items if item.own]

    def city_unit(self, key: str) -> Unit | None:
        return next((u for u in self.city_units if u.key == key), None)

    def summary(self) -> str:
        return (f"区级 {len(self.items)} 项中 {len(self.items) - len(self.own_items)} 项对应市级要点"
                f"（共 {len(self.links)} 处对应），{len(self.own_items)} 项为区级自有；"
                f"市级 {len(self.city_units)} 项中 {len(self.unmatched_city)} 项区级未提及。")

    def to_json(self) -> dict:
        def unit_json(u: Unit) -> dict:
            return {"key": u.key, "title": u.title, "group": u.group, "text": u.text}

        return {
            "city": self.city.to_json(),
            "district": self.district.to_json(),
            "summary": self.summary(),
            "notes": self.notes,
            "items": [{**unit_json(i.unit), "own": i.own, "links": [l.to_json() for l in i.links]} for i in self.items],
            "city_not_addressed": [unit_json(u) for u in self.unmatched_city],
            "removed_by_staff": [l.to_json() for l in self.removed],
        }


# --- similarity ----------------------------------------------------------------------

def _features(text: str) -> Counter:
    grams: Counter = Counter(text[i:i + 2] for i in range(len(text) - 1))
    grams.update(text[i:i + 3] for i in range(len(text) - 2))
    return grams


class _Space:
    """tf-idf vectors over the items of both documents."""

    def __init__(self, texts: list[str]):
        self.n = len(texts)
        self.df: Counter = Counter()
        for text in texts:
            self.df.update(set(_features(text)))

    def vector(self, text: str) -> dict[str, float]:
        v = {g: (1 + math.log(c)) * math.log(1 + self.n / self.df.get(g, 1)) for g, c in _features(text).items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {g: x / norm for g, x in v.items()}


def _cosine(x: dict[str, float], y: dict[str, float]) -> float:
    if len(x) > len(y):
        x, y = y, x
    return sum(v * y.get(g, 0.0) for g, v in x.items())


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。；！？])", text) if len(s) >= MIN_SENTENCE_CHARS]


def shared_phrases(a: str, b: str, common: set[str], limit: int = MAX_PHRASES) -> list[str]:
    """Maximal runs of at least MIN_PHRASE_CHARS characters found in both texts, boilerplate left out."""
    n = MIN_PHRASE_CHARS
    grams_b = {b[i:i + n] for i in range(len(b) - n + 1)}
    phrases: list[str] = []
    i = 0
    while i <= len(a) - n:
        if a[i:i + n] not in grams_b:
            i += 1
            continue
        j = i + n
        while j < len(a) and a[i:j + 1] in b:
            j += 1
        phrase = a[i:j].strip("，。；、：“”")
        if len(phrase) >= n and phrase not in common and not re.fullmatch(r"[\W\d]+", phrase):
            phrases.append(phrase)
        i = j
    phrases = sorted(dict.fromkeys(phrases), key=lambda p: -len(p))
    kept: list[str] = []
    for p in phrases:  # drop phrases contained in a longer kept one
        if not any(p in q for q in kept):
            kept.append(p)
    return kept[:limit]


def _boilerplate(texts: list[str]) -> set[str]:
    """4-character runs present in more than MAX_PHRASE_SHARE of all items."""
    counter: Counter = Counter()
    for text in texts:
        counter.update({text[i:i + MIN_PHRASE_CHARS] for i in range(len(text) - MIN_PHRASE_CHARS + 1)})
    limit = MAX_PHRASE_SHARE * len(texts)
    return {g for g, c in counter.items() if c > limit}


def _robust_z(score: float, scores: list[float]) -> float:
    median = statistics.median(scores)
    mad = statistics.median(abs(s - median) for s in scores) * 1.4826
    return (score - median) / max(mad, 0.01)


def align_units(city: UnitDocument, district: UnitDocument) -> Alignment:
    city_texts = [u.normalized for u in city.units]
    district_texts = [u.normalized for u in district.units]
    space = _Space(city_texts + district_texts)
    common = _boilerplate(city_texts + district_texts)
    city_vectors = [space.vector(t) for t in city_texts]

    items: list[AlignedItem] = []
    for unit, text in zip(district.units, district_texts):
        whole = space.vector(text)
        sentences = [space.vector(s) for s in _sentences(text)]
        scores = []
        for cv in city_vectors:
            item_sim = _cosine(whole, cv)
            sentence_sim = max((_cosine(s, cv) for s in sentences), default=0.0)
            scores.append(max(item_sim, sentence_sim))
        item = AlignedItem(unit)
        for c_unit, c_text, score in zip(city.units, city_texts, scores):
            if score >= MIN_SCORE and _robust_z(score, scores) >= MIN_ROBUST_Z:
                item.links.append(Link(district=unit.key, city=c_unit.key, score=score, similarity=score,
                                       phrases=shared_phrases(text, c_text, common)))
        item.links.sort(key=lambda link: -link.score)
        items.append(item)

    return Alignment(city=DocumentRef.of(city), district=DocumentRef.of(district), items=items,
                     city_units=list(city.units))


# --- which document is the city's ----------------------------------------------------

RE_COUNTY_LEVEL = re.compile(r"(?:^|[市州盟])[\u4e00-\u9fa5]{1,6}?(?:区|县|旗)(?!域)")
RE_CITY_LEVEL = re.compile(r"[\u4e00-\u9fa5]{2,6}?市")
RE_PROVINCE_LEVEL = re.compile(r"[\u4e00-\u9fa5]{2,6}?(?:省|自治区)")
LEVELS = {"national": 0, "province": 1, "city": 2, "county": 3}


def admin_level(issuers: list[str], title: str = "") -> str:
    """national | province | city | county, read from the issuers (then the title); "" unknown."""
    for text in [*issuers, title]:
        text = text.replace("自治区", "省")  # 自治区 is provincial, not a district
        if RE_COUNTY_LEVEL.search(text):
            return "county"
        if RE_CITY_LEVEL.search(text):
            return "city"
        if RE_PROVINCE_LEVEL.search(text):
            return "province"
        if text.startswith(("国务院", "全国", "中华人民共和国", "民政部")):
            return "national"
    return ""


def higher_level_first(a: UnitDocument, b: UnitDocument) -> tuple[UnitDocument, UnitDocument, bool]:
    """(upper, lower, swapped): the document issued at the higher level first."""
    la = LEVELS.get(admin_level(a.parsed.info.issuers, a.title), -1)
    lb = LEVELS.get(admin_level(b.parsed.info.issuers, b.title), -1)
    if la >= 0 and lb >= 0 and la > lb:
        return b, a, True
    return a, b, False
