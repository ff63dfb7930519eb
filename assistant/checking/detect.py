"""What a filing is: its kind (章程、年检报告、注销材料 …), the organization type, and the
facts that must agree across a package (name, 住所, 法定代表人, fund amounts).

Every decision comes with a reason in Chinese, because the report has to say
what was detected and why.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from assistant.checking.numbers import extract_quantities
from assistant.rules import Locality, NamingRules
from assistant.text.document import ParsedDocument

# Title words that mark each filing kind, strongest kind first: a package with a
# 注销登记申请书 is a deregistration even if it also holds a charter.
KIND_TITLE_SIGNALS: list[tuple[str, tuple[str, ...]]] = [
    ("deregistration", ("注销",)),
    ("change", ("变更登记", "变更申请", "变更事项")),
    ("charter_approval", ("章程核准", "核准章程", "修改说明", "修订说明", "对照表")),
    ("annual_report", ("年度工作报告", "年度检查", "年检")),
    ("registration", ("成立登记", "设立登记", "登记申请书", "成立申请", "设立申请", "验资报告", "场所使用权", "发起人", "理事名单")),
]

CHARTER_TITLE_RE = re.compile(r"章程(（草案）|\(草案\)|草案|（修订）|（修订稿）|（修正案）)?\s*$")

ADDRESS_RE = re.compile(r"(?:住所|地址|会址|办公地点)\s*(?:(?:设在|在|为|是)\s*[:：]?|[:：])\s*(?P<v>[^，。；,;\n]{4,60})")
LEGAL_REP_RE = re.compile(r"法定代表人(?:姓名)?\s*(?:(?:为|是)\s*[:：]?|[:：])\s*(?P<v>[\u4e00-\u9fa5·]{2,5}?)(?=[，。；,;\s（(、]|$)")
_NOT_PERSON = ("理事长", "会长", "院长", "校长", "主任", "秘书长", "签字", "签名", "担任", "本会", "本单位")
FUND_KEYS = {"活动资金": "活动资金", "注册资金": "活动资金", "开办资金": "开办资金", "原始基金": "原始基金"}
_FUND_RE = re.compile("|".join(FUND_KEYS))


@dataclass
class Fact:
    """One value found in one file, with the verbatim sentence it came from."""

    field: str  # name | address | legal_rep | funds:<key>
    value: str  # normalized value for comparison
    shown: str  # the value as written
    quote: str
    location: str
    file: str
    start: int


def doc_role(doc: ParsedDocument) -> str:
    """charter | annual_report | other — what one file is on its own."""
    title = doc.norm.strip().splitlines()[0].strip() if doc.norm.strip() else ""
    if any(w in title for w in ("年度工作报告", "年度检查", "年检")):
        return "annual_report"
    if CHARTER_TITLE_RE.search(title) and not any(w in title for w in ("核准", "对照", "说明", "申请")):
        return "charter"
    chapters = doc.chapters()
    if len(chapters) >= 3 and any("总则" in h.title for h in chapters):
        return "charter"
    return "other"


def _titles(doc: ParsedDocument) -> list[str]:
    titles = [doc.norm.strip().splitlines()[0].strip()] if doc.norm.strip() else []
    titles += [h.title for h in doc.headings if h.kind == "attachment" and h.title]
    return titles


def detect_kind(docs: list[ParsedDocument]) -> tuple[str, str]:
    """The filing kind of a package, and why."""
    for kind, words in KIND_TITLE_SIGNALS:
        for doc in docs:
            for title in _titles(doc):
                for word in words:
                    if word in title:
                        return kind, f"文件“{doc.name}”的标题“{title[:40]}”含“{word}”"
    charters = [d for d in docs if doc_role(d) == "charter"]
    if charters:
        return "charter", f"文件“{charters[0].name}”是章程文本（标题或“总则”等章节结构）"
    # No title says it: fall back to words early in the body.
    for kind, words in KIND_TITLE_SIGNALS:
        for doc in docs:
            head = doc.norm[:300]
            for word in words:
                if word in head:
                    return kind, f"文件“{doc.name}”开头部分含“{word}”"
    return "charter", "未识别出申请类别，按章程审查"


def same_organization(a: str, b: str) -> bool:
    """Do two names (normalized) name one organization, perhaps written two ways?

    What the names share at the start (the place) and the end (the organization form)
    says nothing; what is left decides: nothing or a character or two on a side (a
    word dropped, a typo) is the same organization, two different words are two.
    """
    if a == b:
        return True
    prefix = len(os.path.commonprefix([a, b]))
    suffix = len(os.path.commonprefix([a[prefix:][::-1], b[prefix:][::-1]]))
    rest_a, rest_b = a[prefix:len(a) - suffix], b[prefix:len(b) - suffix]
    if min(len(rest_a), len(rest_b)) == 0 or max(len(rest_a), len(rest_b)) <= 2:
        return True
    pairs_a = {rest_a[i:i + 2] for i in range(len(rest_a) - 1)} or {rest_a}
    pairs_b = {rest_b[i:i + 2] for i in range(len(rest_b) - 1)} or {rest_b}
    return 2 * len(pairs_a & pairs_b) / (len(pairs_a) + len(pairs_b)) >= 0.5


# A "name" that holds these words is a title about an organization, not its name
# ("……民政局关于同意……协会注销的批复").
_NOT_A_NAME = ("关于", "同意", "批复", "通知", "请示")


def _fact(doc: ParsedDocument, field: str, shown_norm: str, start: int, end: int, value: str | None = None) -> Fact:
    shown = doc.text[start:end]
    if value is None:
        value = re.sub(r"[\s“”\"「」]", "", shown_norm)
    return Fact(field, value, shown, doc.sentence_at(start, end), doc.location(start), doc.name, start)


class FilingReader:
    """Reads the facts of a filing with the rulebook's naming rules (which words end a name
    of each type) and the locality's address prefixes."""

    def __init__(self, naming: NamingRules, locality: Locality):
        self.naming = naming
        self.locality = locality
        suffix_re = "|".join(naming.all_endings())
        # "本会的名称是：上海市……协会" / "名称: 上海市……中心" (not the 业务主管单位's name)
        self.name_patterns = [
            re.compile(rf"(?<!单位)(?<!机关)(?<!项目)名称\s*(?:(?:是|为)\s*[:：]?|[:：])\s*[“\"「]?(?P<v>[^，。；,;\n”\"」:：]{{2,40}}?(?:{suffix_re}))(?=[”\"」]|[（(]以下|[，。；,;\s（(]|$)"),
        ]
        self.title_name_re = re.compile(rf"^\s*(?P<v>[^，。；\s]{{2,40}}?(?:{suffix_re}))(?=章程|20\d\d|[〇一二]{{4}}|年度|成立|设立|变更|注销|关于|登记|理事|会员|验资|清算|$)")

    def norm_address(self, value: str) -> str:
        """An address for comparison: no blanks or punctuation, without the locality's own prefix."""
        return self.locality.strip_address_prefix(re.sub(r"[\s，,。]", "", value))

    def extract_names(self, doc: ParsedDocument) -> list[Fact]:
        facts: list[Fact] = []
        stripped = doc.norm.lstrip()
        offset = len(doc.norm) - len(stripped)
        if m := self.title_name_re.match(stripped.splitlines()[0] if stripped else ""):
            start = offset + m.start("v")
            facts.append(_fact(doc, "name", m.group("v"), start, start + len(m.group("v"))))
        for pattern in self.name_patterns:
            for m in pattern.finditer(doc.norm):
                facts.append(_fact(doc, "name", m.group("v"), m.start("v"), m.end("v")))
        facts = [f for f in facts if not any(w in f.value for w in _NOT_A_NAME)]
        facts.sort(key=lambda f: f.start)
        return facts

    def extract_facts(self, doc: ParsedDocument) -> list[Fact]:
        """Name, 住所, 法定代表人 and fund amounts stated in one file."""
        facts = self.extract_names(doc)
        for m in ADDRESS_RE.finditer(doc.norm):
            raw = m.group("v").strip()
            if not re.search(r"[路街号弄村镇室楼区巷道]", raw):
                continue
            facts.append(_fact(doc, "address", raw, m.start("v"), m.start("v") + len(raw), self.norm_address(raw)))
        for m in LEGAL_REP_RE.finditer(doc.norm):
            person = m.group("v")
            if any(w in person for w in _NOT_PERSON):
                continue
            facts.append(_fact(doc, "legal_rep", person, m.start("v"), m.end("v")))
        for m in _FUND_RE.finditer(doc.norm):
            window_end = min(len(doc.norm), m.end() + 24)
            window = doc.norm[m.end():window_end]
            cut = min((i for i, ch in enumerate(window) if ch in "。；;\n"), default=len(window))
            amounts = extract_quantities(window[:cut], kinds=("amount",))
            if not amounts:
                continue
            q = amounts[0]
            start, end = m.end() + q.start, m.end() + q.end
            key = FUND_KEYS[m.group(0)]
            facts.append(_fact(doc, f"funds:{key}", q.text, start, end, f"{q.value:.0f}"))
        facts.sort(key=lambda f: f.start)
        return facts

    def detect_org_type(self, docs: list[ParsedDocument], names: list[Fact]) -> tuple[str, str]:
        """社会团体 / 社会服务机构 / 基金会, from the organization's name first, then body words."""
        for fact in names:
            found = self.naming.type_of(fact.value)
            if found is None:
                continue
            org_type, suffix = found
            if org_type == "基金会":
                return "基金会", f"名称“{fact.shown}”以“{suffix}”结尾"
            return org_type, f"名称“{fact.shown}”以“{suffix}”结尾（{org_type}的组织形式）"
        text = "\n".join(d.norm for d in docs)
        signals = {
            "基金会": ("本基金会", "原始基金", "公募"),
            "社会服务机构": ("社会服务机构", "民办非企业单位", "举办者", "开办资金"),
            "社会团体": ("会员大会", "会员代表大会", "本会", "社会团体"),
        }
        scores = {t: [w for w in words if w in text] for t, words in signals.items()}
        best = max(scores, key=lambda t: len(scores[t]))
        if scores[best]:
            return best, f"正文含“{'”“'.join(scores[best])}”"
        return "社会团体", "名称和正文均未显示组织类型，按社会团体审查"
