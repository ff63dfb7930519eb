"""Is a required item in the document? Three deterministic signals; any one suffices.

1. Structure: a chapter / section / heading whose title is about the item
   (第七章 终止程序及终止后的财产处理 covers 终止程序和终止后资产的处理).
2. Meaning: every article or paragraph is embedded and assigned to the item
   description it is closest to; the item is present when a passage assigned to
   it reaches the similarity threshold *and* contains one of the item's anchor
   words. Assigning each passage to one item keeps a removed item from being
   "found" in its neighbours; the anchor word guards against the small
   embedding model's compressed similarity scale (on the eval, passages about
   other items reached 0.93 against a removed item's description).
3. Key phrases: regular expressions from the rulebook, matched inside one
   article or paragraph (a list means all of them in the same passage).

Because any signal suffices, the order of evaluation does not change the
outcome; the engine tries structure, then key phrases, and only then embeds the
document, so a filing whose items are all found never loads the model. No
language model takes part in deciding presence.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable

from assistant.text.document import ParsedDocument, Unit

# Cosine similarity a passage must reach to count as covering an item description.
# Chosen on the checking eval with multilingual-e5-small (see eval/README.md).
DEFAULT_SEMANTIC_THRESHOLD = 0.90
# Passages shorter than this say too little to be judged by meaning.
_MIN_UNIT_CHARS = 12


@dataclass
class Hit:
    how: str  # structure | semantic | phrase
    doc: ParsedDocument
    start: int
    end: int
    score: float = 1.0

    @property
    def quote(self) -> str:
        text = self.doc.text[self.start:self.end].strip()
        return text if len(text) <= 120 else text[:120] + "…"


def compile_patterns(patterns) -> list[list[re.Pattern]]:
    """Rulebook phrases: a string is one regex; a list is several that must co-occur."""
    compiled = []
    for p in patterns or []:
        group = p if isinstance(p, list) else [p]
        compiled.append([re.compile(x) for x in group])
    return compiled


def _heading_line(doc: ParsedDocument, text: str, start: int) -> str:
    end = text.find("\n", start)
    return text[start:end if end >= 0 else len(text)]


def find_by_structure(part: dict, docs: list[ParsedDocument],
                      masked: Callable[[ParsedDocument], str] | None = None) -> Hit | None:
    patterns = [re.compile(p) for p in part.get("titles") or []]
    if not patterns:
        return None
    for doc in docs:
        text = masked(doc) if masked else doc.norm
        for h in doc.titled_headings():
            if h.title not in _heading_line(doc, text, h.start):
                continue  # a heading that was an instruction to the checker, masked out
            if any(p.search(h.title) for p in patterns):
                line_end = doc.text.find("\n", h.start)
                return Hit("structure", doc, h.start, line_end if line_end >= 0 else len(doc.text))
    return None


def find_by_phrase(part: dict, docs: list[ParsedDocument], masked: Callable[[ParsedDocument], str]) -> Hit | None:
    groups = compile_patterns(part.get("phrases"))
    if not groups:
        return None
    for doc in docs:
        text = masked(doc)
        for unit in doc.units():
            passage = text[unit.start:unit.end]
            for group in groups:
                matches = [p.search(passage) for p in group]
                if all(matches):
                    first = matches[0]
                    s, e = doc.sentence_span(unit.start + first.start(), unit.start + first.end())
                    return Hit("phrase", doc, s, e)
    return None


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    na = math.sqrt(sum(x * x for x in a)) or 1.0
    nb = math.sqrt(sum(y * y for y in b)) or 1.0
    return dot / (na * nb)


class SemanticMatcher:
    """Finds a passage whose nearest item description is the item being looked for.

    Built once per check. Item descriptions are embedded once per service (the
    cache passed in, which the service also keeps on disk); passages are
    embedded once per check, and only those holding one of the item's anchor
    words, since no other passage could count anyway. Embeddings come from the
    factory only when first needed, so a filing whose items are all found by
    structure or key phrases never loads the model.
    """

    def __init__(self, embeddings_factory: Callable[[], object] | None, description_cache: dict[str, list[float]],
                 threshold: float = DEFAULT_SEMANTIC_THRESHOLD):
        self._factory = embeddings_factory
        self._cache = description_cache
        self.threshold = threshold
        self._embeddings = None
        self.unavailable_reason = ""
        self._passage_cache: dict[str, list[float]] = {}

    def _model(self):
        if self._embeddings is None and self._factory is not None and not self.unavailable_reason:
            try:
                self._embeddings = self._factory()
            except Exception as exc:  # a missing model degrades to structure + phrases, never crashes
                self.unavailable_reason = f"语义匹配不可用（{exc}）/ semantic matching unavailable"
        return self._embeddings

    def find(self, key: str, anchors: list[str], descriptions: dict[str, str], docs: list[ParsedDocument],
             masked: Callable[[ParsedDocument], str]) -> Hit | None:
        """The best passage assigned to ``key`` (nearest among all ``descriptions``) above the threshold."""
        model = self._model()
        if model is None or key not in descriptions:
            return None
        passages: list[tuple[ParsedDocument, Unit, str]] = []
        for doc in docs:
            text = masked(doc)
            for unit in doc.units():
                passage = text[unit.start:unit.end].strip()
                if len(passage) >= _MIN_UNIT_CHARS and any(word in passage for word in anchors):
                    passages.append((doc, unit, passage[:300]))
        if not passages:
            return None
        for text in descriptions.values():
            if text not in self._cache:
                self._cache[text] = list(model.embed_query(text))
        todo = [p[2] for p in passages if p[2] not in self._passage_cache]
        if todo:
            for text, vector in zip(todo, model.embed_documents(todo)):
                self._passage_cache[text] = list(vector)
        keys = list(descriptions)
        desc_vectors = [self._cache[descriptions[k]] for k in keys]
        best_hit: Hit | None = None
        for doc, unit, passage in passages:
            vector = self._passage_cache[passage]
            sims = [_cosine(vector, dv) for dv in desc_vectors]
            nearest = max(range(len(keys)), key=lambda i: sims[i])
            score = sims[nearest]
            if keys[nearest] == key and score >= self.threshold and (best_hit is None or score > best_hit.score):
                best_hit = Hit("semantic", doc, unit.start, unit.end, score)
        return best_hit
