"""Follow-up questions and comparison questions, resolved deterministically.

A small model is unreliable at rewriting "那长宁区呢？" into a standalone
question, so this is done with rules: a short question that leans on the
previous one ("那……呢", "还有……", "它/该……") is rewritten by swapping the
entity it names into the previous question (a place for a place, an
organization type for an organization type), or else by appending it to the
previous question.

Places are found generically (a word ending in 省/市/区/县/自治区/自治州/新区, or a
name the caller knows: the locality's districts, the issuers of indexed documents),
never from a list of one city's names; 本市/全市/市级/市里 mean the user's own city
(``home``), which the caller passes in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Words for "the user's own city": they name no place themselves.
HOME_WORDS = ("本市", "全市", "市级", "市里")
_ORG_TYPES = ["民办非企业单位", "社会服务机构", "社会团体", "慈善组织", "基金会", "事业单位", "行业协会", "异地商会"]
_ORG_RE = re.compile("|".join(_ORG_TYPES))

_FOLLOWUP_PREFIX_RE = re.compile(r"^(?:那么|那|还有|另外|此外|再问一下|再问|那如果|如果是|换成)[，,、\s]*")
_FOLLOWUP_SUFFIX_RE = re.compile(r"(?:的呢|呢|怎么样|如何|又如何)?[？?。！!\s]*$")
_PRONOUN_RE = re.compile(r"^(?:它|其|该|这个|这份|上述|前者|后者)")

# A place name: 2–6 characters ending in an administrative suffix, after a non-name character.
_PLACE_SUFFIX = r"(?:特别行政区|自治区|自治州|自治县|新区|省|市|区|县)"
_PLACE_RE = re.compile(rf"[\u4e00-\u9fff]{{2,6}}?{_PLACE_SUFFIX}")
# Words with an administrative suffix that are not places.
_NOT_A_PLACE = {"社区", "地区", "城区", "园区", "辖区", "小区", "街区", "分区", "片区", "行政区", "城市", "超市", "市区",
                "郊区", "景区", "校区", "厂区", "营区", "灾区", "山区", "牧区", "矿区", "城乡社区", "示范区", "功能区",
                "开发区", "试验区", "保护区", "集聚区", "自贸区", "各区", "全区", "本区", "区县", "省市", "各省", "跨省"}
# Words that may precede a place inside a run of CJK characters and are not part of it.
_LEADERS = re.compile(r"^(?:[\d]+年|今年|明年|去年|年度|年|关于|对于|根据|按照|和|与|及|跟|同|对|在|由|向|从|比|为|是|那|让|给)+")


@dataclass
class Comparison:
    """A question that compares what two places' documents say."""

    sides: list[str]  # e.g. a city and one of its districts


def find_places(text: str, known: Iterable[str] = (), home: str = "") -> list[str]:
    """Place names in ``text``, in order of appearance (home words resolved to ``home``)."""
    found: list[tuple[int, str]] = []
    work = text  # names already found are blanked out, so that the pattern sees only the rest

    def take(start: int, end: int, name: str) -> None:
        nonlocal work
        found.append((start, name))
        work = work[:start] + "|" * (end - start) + work[end:]

    for name in sorted(set(known), key=len, reverse=True):  # known names first, longest first
        for m in re.finditer(re.escape(name), work):
            take(m.start(), m.end(), name)
    for word in HOME_WORDS:
        for m in re.finditer(word, work):
            take(m.start(), m.end(), home or word)
    for m in _PLACE_RE.finditer(work):
        name = _LEADERS.sub("", m.group(0))
        if len(name) >= 3 and name not in _NOT_A_PLACE and not any(name.endswith(w) for w in _NOT_A_PLACE):
            found.append((m.end() - len(name), name))
    return [name for _, name in sorted(found) if name not in HOME_WORDS]


def is_followup(question: str) -> bool:
    q = question.strip()
    if not q:
        return False
    short = len(q) <= 16
    leaning = bool(_FOLLOWUP_PREFIX_RE.match(q)) or q.rstrip("？?。 ").endswith("呢") or bool(_PRONOUN_RE.match(q))
    return short and leaning


def _core(question: str) -> str:
    core = _FOLLOWUP_PREFIX_RE.sub("", question.strip())
    return _FOLLOWUP_SUFFIX_RE.sub("", core).strip()


def rewrite_followup(question: str, previous: str | None, known: Iterable[str] = (), home: str = "") -> str:
    """A standalone question for ``question`` given the previous (resolved) question."""
    if not previous or not is_followup(question):
        return question.strip()
    core = _core(question)
    if not core:
        return previous
    known = list(known)
    finders = (lambda t: find_places(t, known, home), lambda t: _ORG_RE.findall(t))
    for finder in finders:
        new = finder(core)
        old = [e for e in finder(previous) if e not in new]
        if new and old:
            return _swap(previous, old[0], new[0], home)
    # "非公募基金会" after a question about "公募基金会": the longest tail of the
    # follow-up's subject that the previous question contains is what it replaces.
    noun_only = not re.search(r"几|什么|多少|哪|吗|是否|怎么|如何", core)
    for start in range(1, len(core) - 1 if noun_only else 0):
        tail = core[start:]
        if len(tail) >= 3 and tail in previous and core not in previous:
            return previous.replace(tail, core, 1)
    if _PRONOUN_RE.match(question.strip()):
        return f"{previous.rstrip('？?。')}，{core}？"
    return f"{core}（接上一问：{previous.rstrip('？?。')}）"


def _swap(previous: str, old: str, new: str, home: str) -> str:
    """Put ``new`` where ``previous`` names ``old`` (or says 本市/全市 for the home city)."""
    if old == home and old not in previous:
        for word in HOME_WORDS:
            if word in previous:
                return previous.replace(word, new, 1)
    rewritten = previous.replace(old, new)
    # "<city>民政局" → "<district>民政局" is right; a doubled "<district><district>" is not.
    return rewritten.replace(new + new, new)


def resolve_history(questions: list[str], known: Iterable[str] = (), home: str = "") -> str | None:
    """The resolved form of the last question in a conversation (follow-ups of follow-ups too)."""
    resolved: str | None = None
    known = list(known)
    for q in questions:
        resolved = rewrite_followup(q, resolved, known, home)
    return resolved


_COMPARE_RE = re.compile(r"比较|对比|区别|异同|不同|差异|相比|分别|各自|有何不同|一样吗|相同")


def detect_comparison(question: str, known: Iterable[str] = (), home: str = "") -> Comparison | None:
    if not _COMPARE_RE.search(question):
        return None
    sides: list[str] = []
    for place in find_places(question, known, home):
        if place not in sides:
            sides.append(place)
    if len(sides) < 2:
        return None
    return Comparison(sides=sides[:2])
