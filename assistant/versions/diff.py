"""Article-level diff between two versions of a document.

    units of A, units of B (assistant/versions/units.py)
      ─ same text (whitespace and full/half-width punctuation ignored) → unchanged / moved
      ─ the rest: similar pairs, best first, one-to-one → changed / moved_changed
      ─ left over → removed (only in A) / added (only in B)
      ─ character-level diff of every changed pair, a reason for each substantive change

Renumbering is handled by matching on content, not on numbers: an article that
went from 第二十七条 to 第二十八条 is *moved*; one that also changed is
*moved_changed* — never "removed + added". Among similar candidates, the one
whose renumbering agrees with its neighbours' is preferred (an inserted article
shifts every following number by one).

Works the same on notices (items 一、（一）…), e.g. two years of work points.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

from assistant.versions.units import Unit, UnitDocument, display_text, normalize_text

STATUSES = ("unchanged", "changed", "moved", "moved_changed", "added", "removed")
STATUS_LABELS = {
    "unchanged": "未变",
    "changed": "修改",
    "moved": "移动（条号变化）",
    "moved_changed": "移动并修改",
    "added": "新增",
    "removed": "删除",
}

# Two units whose texts are at least this similar (difflib ratio, or containment of
# the shorter in the longer) are the same provision revised.
MIN_SIMILARITY = 0.5
# Between two matched neighbours (the gap an insertion or a rewrite leaves), position
# supports the pairing and a lower similarity suffices.
MIN_GAP_SIMILARITY = 0.4
# Candidates below this character-bigram overlap are not compared in detail.
MIN_BIGRAM_OVERLAP = 0.2
# A pair whose renumbering agrees with the neighbouring matches gets this bonus.
ORDER_BONUS = 0.1
# A substitution seen in at least this many units is a terminology change (用语统一).
RECURRING_SUBSTITUTION = 3

RE_NUMBER = re.compile(r"\d+|[零〇一二两三四五六七八九十百千万]+(?=[年月日天个人名项次倍元%％])|百分之[零一二三四五六七八九十]+")
SUBSTANCE_WORDS = {
    "义务": ("应当", "不得", "必须", "禁止", "可以", "须"),
    "责任": ("罚款", "吊销", "没收", "警告", "责令", "处分", "拘留", "追究", "撤销"),
    "主体": ("民政部门", "人民政府", "国务院", "主管单位", "登记管理机关", "公安机关"),
}
LONG_CHANGE = 12  # inserted or deleted characters that make a change substantive by size alone


@dataclass
class Segment:
    op: str  # equal | insert | delete
    text: str

    def to_json(self) -> dict:
        return {"op": self.op, "text": self.text}


@dataclass
class DiffEntry:
    status: str
    a: Unit | None
    b: Unit | None
    similarity: float = 1.0
    segments: list[Segment] = field(default_factory=list)
    substantive: bool = False
    reasons: list[str] = field(default_factory=list)
    # For added / removed units: where their paragraphs came from or went to (a split or
    # a merge), e.g. "第三款 源自 原第二十三条第三款".
    origins: list[str] = field(default_factory=list)

    @property
    def key_a(self) -> str:
        return self.a.key if self.a else ""

    @property
    def key_b(self) -> str:
        return self.b.key if self.b else ""

    @property
    def group(self) -> str:
        return (self.b or self.a).group

    @property
    def changed_chars(self) -> int:
        return sum(len(s.text) for s in self.segments if s.op != "equal")

    @property
    def label(self) -> str:
        if self.a and self.b and self.key_a != self.key_b:
            return f"{self.key_a} → {self.key_b}"
        return self.key_b or self.key_a

    def substitutions(self) -> list[tuple[str, str]]:
        """(deleted, inserted) pairs of adjacent delete/insert segments."""
        out = []
        for first, second in zip(self.segments, self.segments[1:]):
            if first.op == "delete" and second.op == "insert":
                out.append((first.text, second.text))
        return out

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "a": self.key_a or None,
            "b": self.key_b or None,
            "group_a": self.a.group if self.a else None,
            "group_b": self.b.group if self.b else None,
            "title": (self.b or self.a).title,
            "similarity": round(self.similarity, 3),
            "substantive": self.substantive,
            "reasons": self.reasons,
            "origins": self.origins,
            "text_a": self.a.text if self.a else "",
            "text_b": self.b.text if self.b else "",
            "segments": [s.to_json() for s in self.segments],
        }


@dataclass
class DocumentRef:
    title: str
    source: str
    date: str
    doc_number: str = ""

    @classmethod
    def of(cls, doc: UnitDocument) -> "DocumentRef":
        info = doc.parsed.info
        return cls(info.title, info.source, info.date, info.doc_number)

    def to_json(self) -> dict:
        return {"title": self.title, "source": self.source, "date": self.date, "doc_number": self.doc_number}


@dataclass
class DiffResult:
    doc_a: DocumentRef
    doc_b: DocumentRef
    kind: str
    entries: list[DiffEntry]
    summary: list[str] = field(default_factory=list)
    terminology: list[tuple[str, str, int]] = field(default_factory=list)  # (old, new, units)

    def counts(self) -> dict[str, int]:
        counter = Counter(e.status for e in self.entries)
        return {status: counter.get(status, 0) for status in STATUSES}

    def chapters(self) -> list[tuple[str, list[DiffEntry]]]:
        out: list[tuple[str, list[DiffEntry]]] = []
        for entry in self.entries:
            if not out or out[-1][0] != entry.group:
                out.append((entry.group, []))
            out[-1][1].append(entry)
        return out

    def to_json(self) -> dict:
        return {
            "a": self.doc_a.to_json(),
            "b": self.doc_b.to_json(),
            "kind": self.kind,
            "counts": self.counts(),
            "summary": self.summary,
            "terminology": [{"old": o, "new": n, "units": c} for o, n, c in self.terminology],
            "chapters": [{"group": g, "entries": [e.to_json() for e in es]} for g, es in self.chapters()],
        }


# --- matching -----------------------------------------------------------------------

def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


def similarity(a: str, b: str) -> float:
    """How much two normalized texts are the same provision: difflib ratio, or containment
    of the shorter text in the longer one (an article that gained a paragraph)."""
    if not a or not b:
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    ratio = 2.0 * matched / (len(a) + len(b))
    containment = matched / min(len(a), len(b))
    # Containment alone would pair a one-line article with any long one quoting it.
    return max(ratio, 0.85 * containment if min(len(a), len(b)) >= 30 else 0.0)


def _exact_pairs(a_units: list[Unit], b_units: list[Unit]) -> dict[int, int]:
    """a index → b index for identical texts, same key first, then nearest position."""
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    by_text: dict[str, list[int]] = {}
    for j, unit in enumerate(b_units):
        by_text.setdefault(unit.normalized, []).append(j)
    for i, unit in enumerate(a_units):  # same key and same text
        for j in by_text.get(unit.normalized, []):
            if b_units[j].key == unit.key and j not in taken:
                pairs[i] = j
                taken.add(j)
                break
    for i, unit in enumerate(a_units):
        if i in pairs:
            continue
        free = [j for j in by_text.get(unit.normalized, []) if j not in taken]
        if free:
            j = min(free, key=lambda j: abs(j / max(1, len(b_units)) - i / max(1, len(a_units))))
            pairs[i] = j
            taken.add(j)
    return pairs


def _expected_offsets(i: int, anchors: dict[int, int], a_units: list[Unit], b_units: list[Unit]) -> set[int]:
    """Renumbering offsets (b number − a number) of the nearest matched neighbours of a[i]."""
    before = [k for k in anchors if k < i]
    after = [k for k in anchors if k > i]
    offsets = set()
    for k in ([max(before)] if before else []) + ([min(after)] if after else []):
        offsets.add(b_units[anchors[k]].number - a_units[k].number)
    return offsets


def _candidates(a_units: list[Unit], b_units: list[Unit], free_a: list[int], free_b: list[int],
                floor: float) -> dict[tuple[int, int], float]:
    """Similarity of every plausible (a, b) pair among the unmatched units, at least ``floor``."""
    grams_b = {j: _bigrams(b_units[j].normalized) for j in free_b}
    out: dict[tuple[int, int], float] = {}
    for i in free_a:
        text_a = a_units[i].normalized
        grams_a = _bigrams(text_a)
        for j in free_b:
            overlap = len(grams_a & grams_b[j]) / min(len(grams_a), len(grams_b[j]))
            if overlap < MIN_BIGRAM_OVERLAP:
                continue
            sim = similarity(text_a, b_units[j].normalized)
            if sim >= floor:
                out[(i, j)] = sim
    return out


def _similar_pairs(a_units: list[Unit], b_units: list[Unit], anchors: dict[int, int]) -> dict[int, tuple[int, float]]:
    """Revised provisions: clearly similar pairs anywhere (renumbering that agrees with the
    neighbours breaks ties), then weaker pairs that sit in the gap between matched neighbours."""
    free_a = [i for i in range(len(a_units)) if i not in anchors]
    taken_b = set(anchors.values())
    free_b = [j for j in range(len(b_units)) if j not in taken_b]
    candidates = _candidates(a_units, b_units, free_a, free_b, MIN_GAP_SIMILARITY)

    scored: list[tuple[float, int, int]] = []
    for (i, j), sim in candidates.items():
        if sim < MIN_SIMILARITY:
            continue
        offsets = _expected_offsets(i, anchors, a_units, b_units)
        offset = b_units[j].number - a_units[i].number
        bonus = ORDER_BONUS if offset in offsets or (not offsets and offset == 0) else 0.0
        scored.append((sim + bonus, i, j))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    pairs: dict[int, tuple[int, float]] = {}
    used_b: set[int] = set()
    for _, i, j in scored:
        if i in pairs or j in used_b:
            continue
        pairs[i] = (j, candidates[(i, j)])
        used_b.add(j)

    # Gap pass: a unit between two matched neighbours pairs with a unit between their partners.
    while True:
        matched = dict(anchors)
        matched.update({i: j for i, (j, _) in pairs.items()})
        best: tuple[float, int, int] | None = None
        for (i, j), sim in candidates.items():
            if i in matched or j in used_b:
                continue
            before = [matched[k] for k in matched if k < i]
            after = [matched[k] for k in matched if k > i]
            low = max(before) if before else -1
            high = min(after) if after else len(b_units)
            if not low < j < high or (best is not None and sim <= best[0]):
                continue
            # Only a mutual best: no other free unit in reach is closer to either side.
            rivals = [s for (i2, j2), s in candidates.items() if (i2 == i) != (j2 == j)
                      and i2 not in matched and j2 not in used_b and s > sim]
            if not rivals:
                best = (sim, i, j)
        if best is None:
            return pairs
        sim, i, j = best
        pairs[i] = (j, sim)
        used_b.add(j)


# --- character diff and substance -----------------------------------------------------

def char_segments(a: str, b: str) -> list[Segment]:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    segments: list[Segment] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("equal", a[i1:i2]))
        if op in ("delete", "replace"):
            segments.append(Segment("delete", a[i1:i2]))
        if op in ("insert", "replace"):
            segments.append(Segment("insert", b[j1:j2]))
    return _merge_tiny_equals(segments)


def _merge_tiny_equals(segments: list[Segment]) -> list[Segment]:
    """A one-character 'equal' between two edits reads better as part of the edit."""
    out: list[Segment] = []
    i = 0
    while i < len(segments):
        seg = segments[i]
        if (seg.op == "equal" and len(seg.text) == 1 and out and out[-1].op != "equal"
                and i + 1 < len(segments) and segments[i + 1].op != "equal"):
            dels = [s for s in out[-2:] if s.op == "delete"]
            ins = [s for s in out[-2:] if s.op == "insert"]
            for s in dels + ins:
                s.text += seg.text
            if not dels:
                out.insert(len(out) - len(ins), Segment("delete", seg.text))
            if not ins:
                out.append(Segment("insert", seg.text))
            i += 1
            continue
        if out and out[-1].op == seg.op:
            out[-1].text += seg.text
        elif seg.op == "delete" and len(out) >= 2 and out[-1].op == "insert" and out[-2].op == "delete":
            out[-2].text += seg.text
        elif seg.op == "insert" and len(out) >= 2 and out[-1].op == "delete" and out[-2].op == "insert":
            out[-2].text += seg.text
        else:
            out.append(Segment(seg.op, seg.text))
        i += 1
    return out


NUMERAL_CHARS = set("零〇一二两三四五六七八九十百千万")
UNIT_CHARS = set("年月日天周个人名项次倍元%％岁届")


def _numbers_changed(segments: list[Segment], explained: set[str]) -> bool:
    """An edit that changes a number: digits, or Chinese numerals followed by a unit (满二年 → 满一年)."""
    for k, seg in enumerate(segments):
        if seg.op == "equal" or seg.text in explained:
            continue
        if RE_NUMBER.search(seg.text) or any(ch.isdigit() for ch in seg.text):
            return True
        if seg.text and all(ch in NUMERAL_CHARS for ch in seg.text):
            following = next((s.text for s in segments[k + 1:] if s.op == "equal"), "")
            if following[:1] in UNIT_CHARS:
                return True
    return False


def _reasons(entry: DiffEntry, terminology: set[tuple[str, str]]) -> list[str]:
    if entry.status == "added":
        return ["新增条款"] if entry.b else []
    if entry.status == "removed":
        return ["删除条款"]
    edits = [s for s in entry.segments if s.op != "equal"]
    substitutions = set(entry.substitutions())
    # Edits explained by a recurring terminology change do not count.
    explained = {text for pair in substitutions & terminology for text in pair}
    remaining = [s for s in edits if s.text not in explained]
    reasons: list[str] = []
    changed_text = "".join(s.text for s in remaining)
    if _numbers_changed(entry.segments, explained):
        reasons.append("数字或期限变化")
    for label, words in SUBSTANCE_WORDS.items():
        hit = [w for w in words if w in changed_text]
        if hit:
            reasons.append(f"{label}（{'、'.join(hit[:3])}）")
    inserted = sum(len(s.text) for s in remaining if s.op == "insert")
    deleted = sum(len(s.text) for s in remaining if s.op == "delete")
    if inserted >= LONG_CHANGE:
        reasons.append(f"增加内容 {inserted} 字")
    if deleted >= LONG_CHANGE:
        reasons.append(f"删去内容 {deleted} 字")
    return reasons


def _terminology(entries: list[DiffEntry]) -> list[tuple[str, str, int]]:
    counter: Counter = Counter()
    for entry in entries:
        for pair in set(entry.substitutions()):
            if 1 <= len(pair[0]) <= 12 and 1 <= len(pair[1]) <= 12:
                counter[pair] += 1
    return [(old, new, n) for (old, new), n in counter.most_common() if n >= RECURRING_SUBSTITUTION]


def _summary(result: DiffResult) -> list[str]:
    counts = result.counts()
    kind = "条" if result.kind == "articles" else "项"
    lines = [
        f"共比对 {len(result.entries)} {kind}：修改 {counts['changed']}，移动并修改 {counts['moved_changed']}，"
        f"新增 {counts['added']}，删除 {counts['removed']}，仅条号变化 {counts['moved']}，未变 {counts['unchanged']}。"
    ]
    substantive = [e for e in result.entries if e.substantive and e.status in ("changed", "moved_changed")]
    substantive.sort(key=lambda e: -e.changed_chars)
    added = [e for e in result.entries if e.status == "added"]
    removed = [e for e in result.entries if e.status == "removed"]
    for entry in substantive:
        lines.append(f"【实质修改】{entry.label}：{'；'.join(entry.reasons)}")
    for entry in added:
        origin = f"（{'；'.join(entry.origins)}）" if entry.origins else ""
        lines.append(f"【新增】{entry.key_b}（{entry.group}）：{_first_clause(entry.b.text)}{origin}")
    for entry in removed:
        moved = f"（{'；'.join(entry.origins)}）" if entry.origins else ""
        lines.append(f"【删除】{entry.key_a}（原{entry.a.group}）：{_first_clause(entry.a.text)}{moved}")
    for old, new, n in result.terminology:
        lines.append(f"【用语统一】“{old}”改为“{new}”（{n} {kind}）")
    minor = [e for e in result.entries if not e.substantive and e.status in ("changed", "moved_changed")]
    if minor:
        lines.append(f"【文字修改】{len(minor)} {kind}：" + "、".join(e.label for e in minor))
    if counts["moved"]:
        lines.append(f"【仅条号变化】{counts['moved']} {kind}")
    return lines


def _first_clause(text: str, limit: int = 40) -> str:
    flat = text.replace("\n", "")
    m = re.search(r"[。；]", flat)
    clause = flat[: m.end()] if m else flat
    return clause if len(clause) <= limit else clause[:limit] + "……"


# A paragraph of an added (removed) unit this similar to one of the other version is
# where it came from (went to).
MIN_PARAGRAPH_SIMILARITY = 0.6
MIN_PARAGRAPH_CHARS = 15
CN_ORDINALS = "一二三四五六七八九十"


def _paragraphs(unit: Unit) -> list[str]:
    return [normalize_text(p) for p in unit.text.split("\n")]


def _paragraph_label(unit: Unit, index: int, paragraphs: list[str]) -> str:
    """第三款: list items （一）… belong to the paragraph above them and are not counted."""
    count = 0
    for k in range(index + 1):
        if not re.match(r"^（[一二三四五六七八九十]+）", paragraphs[k]):
            count += 1
    return unit.key + (f"第{CN_ORDINALS[count - 1]}款" if 1 <= count <= 10 and len(paragraphs) > 1 else "")


def _origins(entry: DiffEntry, others: list[Unit], verb: str) -> list[str]:
    unit = entry.b or entry.a
    own = _paragraphs(unit)
    notes: list[str] = []
    for index, paragraph in enumerate(own):
        if len(paragraph) < MIN_PARAGRAPH_CHARS:
            continue
        best = (0.0, "")
        for other in others:
            theirs = _paragraphs(other)
            for k, candidate in enumerate(theirs):
                if len(candidate) < MIN_PARAGRAPH_CHARS:
                    continue
                sim = similarity(paragraph, candidate)
                if sim > best[0]:
                    best = (sim, _paragraph_label(other, k, theirs))
        if best[0] >= MIN_PARAGRAPH_SIMILARITY:
            notes.append(f"{_paragraph_label(unit, index, own)} {verb} {'原' if verb == '源自' else ''}{best[1]}")
    return list(dict.fromkeys(notes))


# --- the diff --------------------------------------------------------------------------

def diff_units(doc_a: UnitDocument, doc_b: UnitDocument) -> DiffResult:
    a_units, b_units = doc_a.units, doc_b.units
    anchors = _exact_pairs(a_units, b_units)
    similar = _similar_pairs(a_units, b_units, anchors)
    pair_of_b: dict[int, tuple[int, float]] = {j: (i, 1.0) for i, j in anchors.items()}
    pair_of_b.update({j: (i, sim) for i, (j, sim) in similar.items()})
    matched_a = {i for i, _ in pair_of_b.values()}

    entries: list[DiffEntry] = []
    emitted_a: set[int] = set()

    def flush_removed(up_to: int) -> None:
        """Removed A units that come before A position ``up_to``, in A order."""
        for i in range(up_to):
            if i not in matched_a and i not in emitted_a:
                emitted_a.add(i)
                entries.append(DiffEntry("removed", a_units[i], None, similarity=0.0))

    for j, unit_b in enumerate(b_units):
        if j not in pair_of_b:
            entries.append(DiffEntry("added", None, unit_b, similarity=0.0))
            continue
        i, sim = pair_of_b[j]
        flush_removed(i)
        unit_a = a_units[i]
        same_text = unit_a.normalized == unit_b.normalized
        same_key = unit_a.key == unit_b.key
        status = ("unchanged" if same_key else "moved") if same_text else ("changed" if same_key else "moved_changed")
        entry = DiffEntry(status, unit_a, unit_b, similarity=sim)
        if not same_text:
            entry.segments = char_segments(display_text(unit_a.text), display_text(unit_b.text))
        entries.append(entry)
    flush_removed(len(a_units))

    result = DiffResult(
        doc_a=DocumentRef.of(doc_a),
        doc_b=DocumentRef.of(doc_b),
        kind=doc_b.kind,
        entries=entries,
    )
    for entry in entries:
        if entry.status == "added":
            entry.origins = _origins(entry, a_units, "源自")
        elif entry.status == "removed":
            entry.origins = _origins(entry, b_units, "移入")
    result.terminology = _terminology(entries)
    recurring = {(old, new) for old, new, _ in result.terminology}
    for entry in entries:
        if entry.status in ("changed", "moved_changed", "added", "removed"):
            entry.reasons = _reasons(entry, recurring)
            entry.substantive = bool(entry.reasons)
    result.summary = _summary(result)
    return result
