"""What a document itself says about when it is in force.

``extract_facts(parsed)`` reads, from the text and the file name only:

* the version date: the date in the file name (a law's revision date:
  ``慈善法(2023-12-29).md``), else the 成文/印发 date the structure parser found;
* the stated 施行日期: “本条例自2021年11月1日起施行”, “2004年6月1日 施行” in the
  header, or “自印发/发布之日起施行” (then the issue date);
* a revision date: a header line “2023年12月29日 …《关于修改…的决定》修正” later
  than the stated 施行日期 means this text is a revised version, in force from its
  revision (the original 施行日期 is the first version's);
* an expiry: “有效期至2028年12月31日”, “有效期五年”;
* what it repeals: “…《某市募捐条例》同时废止” (title and, when given, the date);
* its version series: the title without year, 中华人民共和国 and （试行）, so that
  慈善法 2016 and 2023, or two years of work points, fall in one chain.

Chains across documents and user overrides are resolved in ``chains.py``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date

from assistant.text.numerals import parse_chinese_number
from assistant.kb.structure import RE_FILENAME_DATE, StructuredDocument
from assistant.text.dates import RE_CN_DATE, RE_DATE
from assistant.text.dates import find_date as normalise_date

DATE = f"(?:{RE_DATE.pattern}|{RE_CN_DATE.pattern})"  # 2021年11月1日 or 二〇二一年十一月一日
RE_EFFECTIVE = re.compile(rf"自\s*(?P<date>{DATE})\s*起?(?:正式)?(?:施行|实施|执行|生效)")
RE_EFFECTIVE_ON_ISSUE = re.compile(r"自(?:印发|发布|公布|下发|签发|颁布)之日起(?:施行|实施|执行|生效)")
RE_HEADER_EFFECTIVE = re.compile(rf"^(?P<date>{DATE})\s*(?:起)?(?:施行|实施)$")
RE_REVISION = re.compile(r"修正|修订|修改")
RE_EXPIRES_ON = re.compile(rf"有效期(?:至|到|截至)\s*(?P<date>{DATE})")
RE_EXPIRES_YEARS = re.compile(r"有效期(?:为|是)?\s*(?P<n>[一二三四五六七八九十两\d]+)\s*年")
RE_REPEAL_SENTENCE = re.compile(r"[^。；\n]*?(?:同时废止|同时失效|同时停止执行|即行废止|予以废止|不再执行)")
RE_REPEALED_TITLE = re.compile(r"《(?P<title>[^》]{2,60})》")
RE_ANY_DATE = re.compile(DATE)
RE_YEAR_PREFIX = re.compile(r"^(?:\d{4}|[〇零一二三四五六七八九]{4})\s*(?:—|-|－|至)?\s*(?:\d{4})?\s*年(?:度)?")
RE_TITLE_NOISE = re.compile(r"[（(](?:试行|\d{4}年(?:修订|修正|版)?|[〇零一二三四五六七八九]{4}年(?:修订|修正))[)）]|\s+|[《》“”\"]")
HEADER_PARAGRAPHS = 8  # the lines above the body where laws carry their 通过/公布/修正 history


@dataclass
class Repeal:
    title: str
    date: str = ""  # the repealed text's date, when the sentence gives one

    @property
    def series(self) -> str:
        return series_key(self.title)


@dataclass
class ValidityFacts:
    series: str
    version_date: str = ""  # ISO
    stated_effective: str = ""  # the 施行日期 the text states
    effective_on_issue: bool = False  # “自印发之日起施行”
    revised_on: str = ""  # header revision date later than the stated 施行日期
    expires: str = ""  # 有效期至 (exclusive end: the first day no longer in force)
    repeals: list[Repeal] = field(default_factory=list)
    evidence: dict[str, str] = field(default_factory=dict)  # fact -> the sentence it was read from

    @property
    def valid_from(self) -> str:
        """First day in force, as far as the document itself tells."""
        if self.revised_on and (not self.stated_effective or self.revised_on > self.stated_effective):
            return self.revised_on
        if self.stated_effective:
            return self.stated_effective
        return self.version_date

    @property
    def valid_from_basis(self) -> str:
        if self.revised_on and (not self.stated_effective or self.revised_on > self.stated_effective):
            return "revision"
        if self.stated_effective:
            return "issue" if self.effective_on_issue else "stated"
        return "version_date" if self.version_date else ""

    def to_dict(self) -> dict:
        data = asdict(self)
        data["valid_from"] = self.valid_from
        data["valid_from_basis"] = self.valid_from_basis
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "ValidityFacts":
        return cls(
            series=data.get("series", ""),
            version_date=data.get("version_date", ""),
            stated_effective=data.get("stated_effective", ""),
            effective_on_issue=bool(data.get("effective_on_issue")),
            revised_on=data.get("revised_on", ""),
            expires=data.get("expires", ""),
            repeals=[Repeal(**r) for r in data.get("repeals", [])],
            evidence=dict(data.get("evidence", {})),
        )


def series_key(title: str) -> str:
    """The version series a title belongs to: 《中华人民共和国慈善法》 → 慈善法,
    2026年X市社会组织工作要点 → X市社会组织工作要点, XX办法（试行） → XX办法."""
    key = RE_TITLE_NOISE.sub("", title.strip())
    key = re.sub(r"^关于印发", "", key)
    key = re.sub(r"的通知$", "", key) if key.startswith("关于") else key
    key = key.removeprefix("中华人民共和国")
    key = RE_YEAR_PREFIX.sub("", key)
    return key


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind("。", 0, start), text.rfind("\n", 0, start)) + 1
    right_candidates = [i for i in (text.find("。", end), text.find("\n", end)) if i >= 0]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    return text[left:right].strip()


def _header_paragraphs(parsed: StructuredDocument) -> list[str]:
    out = []
    for paragraph, path in zip(parsed.paragraphs, parsed.paths):
        if path:  # the body has begun
            break
        out.append(paragraph.text.replace("\n", " ").strip())
        if len(out) >= HEADER_PARAGRAPHS:
            break
    return out


def _add_years(iso: str, years: int) -> str:
    d = date.fromisoformat(iso)
    try:
        return d.replace(year=d.year + years).isoformat()
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28).isoformat()


def extract_facts(parsed: StructuredDocument, file_name: str = "") -> ValidityFacts:
    text = parsed.text
    info = parsed.info
    m = RE_FILENAME_DATE.search(file_name or "")
    facts = ValidityFacts(series=series_key(info.title), version_date=m.group(1) if m else info.date)
    header = _header_paragraphs(parsed)

    # 施行日期: the last statement in the body wins (transitional articles come before it).
    for match in RE_EFFECTIVE.finditer(text):
        facts.stated_effective = normalise_date(match.group("date"))
        facts.evidence["stated_effective"] = _sentence_around(text, match.start(), match.end())
    if not facts.stated_effective:
        for line in header:
            hm = RE_HEADER_EFFECTIVE.match(line)
            if hm:
                facts.stated_effective = normalise_date(hm.group("date"))
                facts.evidence["stated_effective"] = line
    if not facts.stated_effective:
        match = RE_EFFECTIVE_ON_ISSUE.search(text)
        if match and facts.version_date:
            facts.stated_effective = facts.version_date
            facts.effective_on_issue = True
            facts.evidence["stated_effective"] = _sentence_around(text, match.start(), match.end())

    revisions = [(normalise_date(line), line) for line in header if RE_REVISION.search(line) and normalise_date(line)]
    if revisions:
        revised, line = max(revisions)
        if not facts.stated_effective or revised > facts.stated_effective:
            facts.revised_on = revised
            facts.evidence["revised_on"] = line

    match = RE_EXPIRES_ON.search(text)
    if match:
        facts.expires = normalise_date(match.group("date"))
        facts.evidence["expires"] = _sentence_around(text, match.start(), match.end())
    else:
        match = RE_EXPIRES_YEARS.search(text)
        years = match and (int(match.group("n")) if match.group("n").isdigit() else parse_chinese_number(match.group("n")))
        if match and years and facts.valid_from:
            facts.expires = _add_years(facts.valid_from, years)
            facts.evidence["expires"] = _sentence_around(text, match.start(), match.end())

    own = facts.series
    for sentence in RE_REPEAL_SENTENCE.finditer(text):
        words = sentence.group(0)
        for tm in RE_REPEALED_TITLE.finditer(words):
            # The repealed text's own date stands just before its title (“1988年9月27日国务院发布的《…》”).
            before = words[max(0, tm.start() - 40):tm.start()].split("》")[-1]
            dates = [m.group(0) for m in RE_ANY_DATE.finditer(before)]
            repeal = Repeal(title=tm.group("title").strip(), date=normalise_date(dates[-1]) if dates else "")
            if repeal.series and not (repeal.series == own and not repeal.date):
                facts.repeals.append(repeal)
                facts.evidence.setdefault("repeals", sentence.group(0).strip())
    return facts
