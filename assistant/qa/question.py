"""What a question asks for: its shape (how many, which edition, when, who …), the kind
of value its answer must state, and its key terms.

The shape decides how the evidence is selected and how the answer is written
(assistant/qa/evidence.py, service.py): "第几届" must be answered by a sentence that
states an edition, "多少" by one that states a quantity, a list question by the
enumerating sentence and its items. Nothing here knows a place or a document: key
terms are weighted by how rare they are in the knowledge base (a word that occurs in
a large share of all chunks, such as 社会组织 in a corpus of social-organization
documents, says nothing about which sentence answers).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

# Question shapes, tested in this order (the first that matches wins).
SHAPES = ("compare", "edition", "when", "how_many", "who", "which_documents", "procedure", "yes_no", "list", "what")
# "哪几类 / 哪几种" ask for a list, not a count.

_SHAPE_PATTERNS: dict[str, re.Pattern] = {
    "compare": re.compile(r"比较|对比|区别|异同|有何不同|有什么不同|有哪些不同|差异|相比|分别.*(?:什么|哪些|怎样|如何)|各自"),
    "edition": re.compile(r"第几届|几届|第几次|第几批|第几期|哪一届"),
    "when": re.compile(r"什么时候|何时|哪一天|哪天|哪年|几月|几号|什么日期|日期|什么时间|截止|之前.*(?:报|交)|期限是|多久之内|几日内|几天内"),
    "how_many": re.compile(r"多少|(?<!哪)几(?:个|名|人|次|年|项|类|种|家|天|日|个月|成|倍|岁|场|期|批|户|所|支|位|份|条|周|小时|分钟|厘米|米)|多大|多长|多久|比例|占比|百分之|金额|多高|上限|下限|至少|最多|最低|最高"),
    "who": re.compile(r"谁|哪个部门|哪些部门|哪个机关|哪些单位|哪个单位|由哪|什么部门|什么机关|什么人|哪些人|哪些主体|什么主体|哪些机构|哪个机构|联合哪|和哪些|与哪些"),
    "which_documents": re.compile(r"哪(?:个|份|些|部|项)(?:文件|办法|规定|条例|制度|指南|意见|政策|法规|规章|方案|计划|标准|细则)"
                                  r"|什么(?:文件|办法|规定|指南|意见|方案|制度)|(?:修订|制定|出台|印发|发布|宣贯|评估)(?:哪|什么)"),
    "procedure": re.compile(r"怎么办理|如何办理|怎样办理|怎么申请|如何申请|怎样申请|程序|流程|步骤|手续|怎么走|要经过|先.*再|办理.*(?:需要|要)"),
    "yes_no": re.compile(r"是否|能不能|可不可以|可以.*吗|能否|要不要|需不需要|需要.*吗|有没有|会不会|是不是|允许.*吗|必须.*吗|应当.*吗|吗[？?]?\s*$"),
    "list": re.compile(r"哪些|哪几|有什么(?:措施|要求|内容|活动|安排|举措|任务|条件|支持|政策)|包括什么|包括哪|有几方面|哪几个方面|列举|主要.*(?:内容|措施)"),
}

# Value kinds a sentence can state (for the shapes that ask for one).
_CN_NUM = "零〇一二两三四五六七八九十百千万亿"
VALUE_PATTERNS: dict[str, re.Pattern] = {
    "ordinal": re.compile(rf"第[{_CN_NUM}\d]+(?:届|次|批|期|轮)"),
    "date": re.compile(rf"\d{{4}}\s*年(?:\s*\d{{1,2}}\s*月(?:\s*\d{{1,2}}\s*日)?)?|[{_CN_NUM}\d]{{1,3}}月[{_CN_NUM}\d]{{1,3}}日"
                       rf"|每年\s*\d{{1,2}}\s*月|年底|年内|年初|上半年|下半年|季度|之日起|[{_CN_NUM}\d]+(?:个)?(?:日|天|月|年)内"),
    "percent": re.compile(rf"\d+(?:\.\d+)?\s*[%％]|百分之[{_CN_NUM}\d]+|[{_CN_NUM}]分之[{_CN_NUM}]+|\d+\s*/\s*\d+|[{_CN_NUM}]成"),
    "amount": re.compile(rf"\d+(?:\.\d+)?\s*(?:万|亿)?元|[{_CN_NUM}]+(?:万|亿)?元|[壹贰叁肆伍陆柒捌玖拾佰仟万亿]+元"),
    "quantity": re.compile(rf"\d+(?:\.\d+)?\s*(?:个|名|人|次|年|项|家|日|天|月|倍|届|类|种|条|所|周岁|岁|小时|分钟|期|批|户|场|支|位|份|万|厘米|毫米|米|平方米|公里)"
                           rf"|[{_CN_NUM}]+(?:个|名|人|次|年|项|家|日|天|月|倍|类|种|条|周岁|岁|小时|期|批|户|场|支|位|份)"),
}
# The value kinds that answer each shape (any one suffices); shapes not listed ask for none.
WANTS: dict[str, tuple[str, ...]] = {
    "edition": ("ordinal",),
    "when": ("date",),
    "how_many": ("quantity", "amount", "percent", "date"),
}

# Question and function words: they say what kind of answer is wanted, not what it is about.
# Language-level, not domain-level: the knowledge base's own common words are found by frequency.
QUESTION_WORDS = frozenset("""
    什么 哪些 哪个 哪里 哪儿 哪位 哪家 哪份 哪部 哪项 哪种 哪类 哪年 哪天 哪一天 哪一届 哪几 怎么 怎样 怎么样 如何 为何 为什么
    多少 多大 多长 多久 多高 几个 几名 几人 几次 几年 几项 几类 几种 几家 几天 几日 几届 第几 几月 几号 是否 有没有 能不能 可不可以
    能否 要不要 需不需要 会不会 是不是 可以 能够 应当 应该 需要 必须 允许 要求 规定 提出 提到 提及 明确 关于 有关 对于 根据 按照
    主要 内容 方面 情况 具体 其中 以及 还有 目前 现在 已经 今年 明年 去年 当年 本年 年度 时候 时间 日期 名字 名称 叫什么 分别
    各自 比较 对比 区别 不同 异同 相比 一样 一致 之间 作出 做出 进行 开展 相关 安排 请问 一下 我们 我 你们 他们 咱们 这个 那个
    文件 份文件 哪份 一份 两份
    这些 那些 这样 那样 什么样 怎么办 办理 申请 包括 属于 哪方面 问题 事情 东西 的话 接上 一问 上一 追问 呢 吗 吧 啊
""".split())

# A word in more than this share of the knowledge base's chunks is too common to tell
# answering sentences apart (its weight falls to zero above it, smoothly below).
COMMON_SHARE = 0.25


@dataclass(frozen=True)
class KeyTerm:
    text: str
    weight: float  # rarer words weigh more; ≥ 0


@dataclass
class Question:
    text: str
    shape: str
    wants: tuple[str, ...] = ()
    terms: list[KeyTerm] = field(default_factory=list)
    sides: list[str] = field(default_factory=list)  # compare: the two entities compared
    unit: str = ""  # how_many: the unit asked for ("家", "岁", "万元"), if the question names one
    places: list[str] = field(default_factory=list)  # places the question names (its documents' home)

    @property
    def term_weight(self) -> float:
        return sum(t.weight for t in self.terms)


def question_shape(question: str, comparison_sides: list[str] | None = None) -> str:
    text = question.strip()
    for shape in SHAPES[:-1]:
        if shape == "compare" and not comparison_sides:
            continue
        if _SHAPE_PATTERNS[shape].search(text):
            return shape
    return "what"


def states_value(sentence: str, wants: tuple[str, ...], unit: str = "") -> bool:
    """Whether the sentence states a value of one of the kinds ``wants`` (True when it wants none);
    with ``unit``, a quantity in that unit."""
    if not wants:
        return True
    if unit:
        return states_quantity_in(sentence, unit)
    if wants == ("day",):
        return bool(_DAY_RE.search(_REFERENCE_RE.sub("", sentence)))
    bare = _REFERENCE_RE.sub("", sentence)
    return any(VALUE_PATTERNS[kind].search(bare) for kind in wants)


# Where a sentence names its source rather than a value: 《…》, 第十条, [1], 〔2026〕.
_REFERENCE_RE = re.compile(rf"\[\d+\]|《[^》]*》|第[{_CN_NUM}\d]+[条款项章节]|[〔\[（(]\d{{4}}[〕\]）)]\d*号?")

# "哪天 / 几号 / 日期": a year or a month does not answer; a day does.
_ASKS_DAY_RE = re.compile(r"哪天|哪一天|几号|几月几日|几日前|日期|具体时间")
_DAY_RE = re.compile(rf"[{_CN_NUM}\d]{{1,3}}\s*月\s*[{_CN_NUM}\d]{{1,3}}\s*日|\d+日[内前]|[{_CN_NUM}]+日[内前]")
_COUNT_WORD_RE = re.compile(rf"[{_CN_NUM}几哪\d]+(?:项|个|类|种|名|次|条|届|年|家|份|批|方面|点)")

# "多少家 / 几岁 / 多少万元": the unit the asked-for quantity must carry (a sentence stating
# "2026年" does not answer "多少家"). Units that name each other's kind are grouped.
_ASKED_UNIT_RE = re.compile(r"(?:多少|几)(个月|周岁|万元|元|钱|岁|家|名|人|个|次|年|天|日|届|项|类|种|倍|条|批|期|户|场|厘米|米|小时)")
_UNIT_GROUPS = {"名": ("名", "人"), "人": ("名", "人"), "个": ("个", "家", "所"), "岁": ("岁", "周岁"),
                "周岁": ("岁", "周岁"), "元": ("元", "万元"), "万元": ("元", "万元"), "钱": ("元", "万元"), "天": ("天", "日"), "日": ("天", "日"),
                "个月": ("个月", "月")}


def asked_unit(question: str) -> str:
    """The unit after 多少 / 几 in the question ("" when none)."""
    m = _ASKED_UNIT_RE.search(question)
    return m.group(1) if m else ""


def states_quantity_in(sentence: str, unit: str) -> bool:
    """A number (Arabic or Chinese) followed by ``unit`` or a unit of its group."""
    units = "|".join(sorted(set(_UNIT_GROUPS.get(unit, (unit,))) | {unit}, key=len, reverse=True))
    return bool(re.search(rf"(?:\d+(?:\.\d+)?|[{_CN_NUM}]+)\s*(?:{units})", _REFERENCE_RE.sub("", sentence)))


DocumentFrequency = Callable[[str], float]  # term -> share of chunks containing it (0..1)


def segment(text: str, vocabulary: set[str], words: Callable[[str], list[str]], longest: int = 8) -> list[str]:
    """Words of ``text``: the longest words of ``vocabulary`` (words of the passages being
    judged) found left to right, and ``words`` (a general segmenter) for the stretches between.

    A general dictionary splits a question's "党建有什么" into 党/建有/什么; the passages say
    党建, so the question is read with the passages' own words.
    """
    out: list[str] = []
    rest = ""
    i = 0
    while i < len(text):
        match = next((text[i:i + n] for n in range(min(longest, len(text) - i), 1, -1) if text[i:i + n] in vocabulary), "")
        if match:
            if rest:
                out += words(rest)
                rest = ""
            out.append(match)
            i += len(match)
        else:
            rest += text[i]
            i += 1
    if rest:
        out += words(rest)
    return out


def term_weight(term: str, share: float | None) -> float:
    """IDF-like weight: 1 + log(1/share), falling to 0 for words in ≥ COMMON_SHARE of chunks."""
    if share is None:
        return 1.0
    if share >= COMMON_SHARE:
        return 0.0
    return 1.0 + math.log(1.0 / max(share, 1e-4)) / 4.0


def analyze(question: str, words: Callable[[str], list[str]], frequency: DocumentFrequency | None = None,
            comparison_sides: list[str] | None = None, places: list[str] | tuple[str, ...] = ()) -> Question:
    """The question's shape, wanted value kinds and weighted key terms.

    ``words`` segments text into words (the knowledge base's tokenizer); ``frequency``
    gives a word's share of chunks (None: every word weighs 1).
    """
    shape = question_shape(question, comparison_sides)
    terms: dict[str, KeyTerm] = {}
    for word in words(question):
        word = word.strip()
        if len(word) < 2 or word in QUESTION_WORDS or not re.search(r"[\u4e00-\u9fff\w]", word):
            continue
        if re.fullmatch(r"\d{4}年?|\d+", word) or _COUNT_WORD_RE.fullmatch(word):
            continue  # a year, a number or "两项 / 几类": what is asked for, not what it is about
        if any(word in place or place in word for place in (*places, *(comparison_sides or []))):
            continue  # the place is matched by the documents' own place (evidence.py), not by wording
        weight = term_weight(word, frequency(word) if frequency else None)
        if weight > 0 and word not in terms:
            terms[word] = KeyTerm(word, weight)
    # Drop a word contained in a longer kept word ("创业" inside "创新创业"): counted once.
    kept = [t for t in terms.values() if not any(t.text != o.text and t.text in o.text for o in terms.values())]
    wants = WANTS.get(shape, ())
    if shape == "when" and _ASKS_DAY_RE.search(question):
        wants = ("day",)
    return Question(text=question, shape=shape, wants=wants, terms=kept,
                    sides=list(comparison_sides or []), unit=asked_unit(question) if shape == "how_many" else "",
                    places=list(places))


def coverage(question: Question, text: str) -> float:
    """Weighted share of the question's key terms that ``text`` contains (1.0 when it has none)."""
    total = question.term_weight
    if total <= 0:
        return 1.0
    squeezed = re.sub(r"\s+", "", text)
    found = 0.0
    for term in question.terms:
        if term.text in squeezed:
            found += term.weight
        elif len(term.text) >= 4 and term.text[:2] in squeezed and term.text[2:] in squeezed:
            found += term.weight * 0.5  # a compound written apart ("公益创新创业" ~ "公益…创新创业")
    return found / total
