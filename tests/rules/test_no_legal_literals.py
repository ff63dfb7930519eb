"""Each legal number is written once, in the rulebook: none may appear as a literal in the code
(assistant/) or in the form and check files (corpus/forms/, corpus/rules/ except the law file).

What counts as stating a legal number (every number of every bound, national and local):

* in any text (Python string literals, f-string parts, every YAML string): the number with the
  unit the law uses — "70周岁", "3万元", "30000元", "30日", "5年", "两届", "2/3", "三分之二",
  "70%" … — in figures or Chinese numerals, not glued to a longer number ("2025年" is not "5年");
* a string that is nothing but the number ("30000", as in ``Decimal("30000")``);
* in Python: a numeric literal equal to a legal number when it is compared with something
  (``unit < 30``), given to ``Fraction(2, 3)``, or — for the distinctive numbers (15 and above:
  amounts, ages, 25 理事, 30/60 日 …) — written anywhere at all (``MAX_AGE = 70``,
  ``Field(70)``, ``{"age_limit": 70}``, ``30_000``, ``3e4``);
* in YAML: a number equal to a legal number (from 2 up) that is not a text length.

Bare numeric literals are looked for in the domain packages only: the framework and engineering
packages (``ENGINEERING``: the knowledge base, OCR and scans, the LLM backends, Chinese-text
basics, version diffing, the Q&A chain, settings) hold tuning numbers — pixels, characters,
weights, thresholds of similarity — that coincide with legal numbers by chance. Text that
states a number with a legal unit is looked for everywhere.

Not flagged, because they are not statements of the law: docstrings (documentation and examples
of how text is read), list indices and slices (``x[:60]``), comparisons with a length
(``len(s) <= 30``), ordinals (第二届), and the few numbers listed in ``ALLOWED`` with the reason
each one is not a legal number.
"""

from __future__ import annotations

import ast
import re
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from assistant.rules import Bound
from assistant.settings import PROJECT_ROOT
from assistant.text.amounts import capital_yuan, format_yuan
from assistant.text.numerals import chinese_number, fraction_words
from tests.conftest import shipped_rulebook

DISTINCTIVE = 15  # numbers from here up are flagged wherever a Python literal states them
ENGINEERING = ("assistant/kb/", "assistant/scan/", "assistant/llm/", "assistant/text/", "assistant/versions/",
               "assistant/qa/", "assistant/settings.py", "assistant/services.py", "assistant/risk/charts.py")

# (file, the stripped source line) -> why this number is not a legal one.
ALLOWED = {
    ("assistant/filings/bundle.py", "MAX_HEADING_CHARS = 50"): "the longest line read as a material's heading, in characters",
    ("assistant/forms/output.py", "set_fonts(title.add_run(form.title), TITLE_FONT, 18, True)"): "a font size in points",
    ("assistant/profile/defaults.py", '_COUNCIL_SIZES = {"社会团体": (9, 21), "社会服务机构": (3, 9), "基金会": (None, 15)}  # None: the legal minimum'):
        "a starting council size an organization chooses, not a limit",
    ("assistant/rules/provisions.py", 'word = "两" if value == 2 else chinese_number(int(value))'): "两 is how 2 is said before a measure word",
    ("assistant/text/numerals.py", "if value == Fraction(1, 2):"): "过半数 is the Chinese name of a majority of one half",
    ("assistant/text/numerals.py", "return Fraction(1, 2)"): "过半数 is the Chinese name of a majority of one half",
    # Numbers that became legal ones when the risk-screening bounds were added (20% 管理费用 tier, 5万元
    # fine, two-year periods); these lines are not statements of those rules.
    ("assistant/checking/numbers.py", "return fraction_words(Fraction(value).limit_denominator(20))"):
        "the largest denominator tried when a decimal share is read as a fraction",
    ("assistant/ui/search_tab.py", 'k = gr.Slider(1, 20, value=services.settings.retrieval.k, step=1, label="返回条数")'):
        "the upper end of the result-count slider",
    ("assistant/text/amounts.py", 'raise FormatError(f"无法识别金额“{raw}”，请填写阿拉伯数字，并注明单位（元或万元），如“50000元”或“5万元”。")'):
        "an example of how to write an amount",
    ("assistant/ui/versions_tab.py", 'gr.Markdown("比较同一文件的两个版本（法规的新旧版本，或两年的工作要点）：逐条对齐，条号变化也能识别，"'):
        "two years' work points, not a two-year period of a rule",
    ("assistant/checking/engine.py", "WRAPPED_TITLE_TAIL = 20"):
        "the longest second line of a material's title wrapped onto two lines, in characters",
}


def _legal_numbers() -> list[tuple[Bound, int | float | Fraction]]:
    book = shipped_rulebook()
    bounds = {**book.provisions}
    for locality in book.localities.by_name.values():
        bounds.update(locality.provisions)
    out = []
    for bound in bounds.values():
        if isinstance(bound, Bound):
            out += [(bound, n) for n in (bound.min, bound.max, bound.model) if n is not None]
    return out


LEGAL = _legal_numbers()
LEGAL_VALUES = {float(n) for _, n in LEGAL}
RATIOS = {Fraction(n) for b, n in LEGAL if b.quantity == "ratio"}

_UNITS = {"age": ("周岁", "岁"), "count": ("名", "人", "个", "位", "家"), "years": ("年",), "terms": ("届",),
          "times": ("次",), "percent": ("%", "％"), "days": ("日", "天"), "months": ("个月",), "month_end": ("月底",),
          "multiple": ("倍",), "items": ("项",)}
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"


def _cn(n: int) -> list[str]:
    words = [chinese_number(n)]
    if n == 2:
        words.append("两")
    return words


def _text_patterns() -> list[tuple[re.Pattern, str]]:
    """One regex per way a legal number is written with its unit, and what it is."""
    out: dict[str, str] = {}
    for bound, n in LEGAL:
        what = f"{bound.key}={bound.format(n)}"
        if bound.quantity == "ratio":
            r = Fraction(n)
            out[rf"(?<![\d/]){r.numerator}\s*/\s*{r.denominator}(?![\d/])"] = what
            out[re.escape(fraction_words(r))] = what
            continue
        if bound.quantity == "amount":
            yuan = int(n)
            for form in {format_yuan(yuan), f"{yuan}元", f"{yuan:,}元", capital_yuan(yuan).removesuffix("整")}:
                out[rf"(?<![\d.,]){re.escape(form)}"] = what
            if yuan % 10000 == 0:
                out[rf"(?<![{_CN_DIGITS}]){chinese_number(yuan // 10000)}万元"] = what
            continue
        number = int(n)
        for unit in _UNITS[bound.quantity]:
            # The day of a date (3月30日) is not a deadline.
            before = r"(?<![\d.月])" if bound.quantity == "days" else r"(?<![\d.])"
            out[rf"{before}{number}\s*{re.escape(unit)}"] = what
            if number >= 2:  # 一年 is also 上一年, 一次 also 一次性; 第二届 is an ordinal
                for word in _cn(number):
                    out[rf"(?<![{_CN_DIGITS}第]){word}{re.escape(unit)}"] = what
    for bound, n in LEGAL:  # ranges such as 5至25 / 五至二十五
        if bound.side == "range" and n == bound.max:
            out[rf"(?<!\d){bound.min}\s*(?:名|人)?\s*(?:至|到|-|—|~){bound.max}(?!\d)"] = bound.key
            out[f"{chinese_number(int(bound.min))}至{chinese_number(int(bound.max))}"] = bound.key
    return [(re.compile(p), what) for p, what in out.items()]


TEXT_PATTERNS = _text_patterns()


def _text_problems(text: str) -> list[str]:
    found = [f"“{m.group(0)}”（{what}）" for pattern, what in TEXT_PATTERNS for m in pattern.finditer(text)]
    stripped = text.strip().replace(",", "").replace("_", "")
    if re.fullmatch(r"\d+(\.\d+)?", stripped) and float(stripped) in LEGAL_VALUES and float(stripped) >= DISTINCTIVE:
        found.append(f"“{text}”（a legal number as a string）")
    return found


# --- Python ----------------------------------------------------------------------------------

def _is_len_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("len", "sum", "max", "min")


class _PythonScan(ast.NodeVisitor):
    def __init__(self, source: str, numbers: bool = True):
        self.numbers = numbers  # also look at bare numeric literals (domain packages)
        self.lines = source.splitlines()
        self.problems: list[tuple[int, str]] = []
        self._exempt: set[int] = set()  # ids of constants in subscripts or length comparisons
        self._compared: set[int] = set()

    def _flag(self, node: ast.AST, what: str) -> None:
        self.problems.append((node.lineno, what))

    def _skip_docstring(self, node) -> None:
        body = getattr(node, "body", None)
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            self._exempt.add(id(body[0].value))

    def visit_Module(self, node: ast.Module) -> None:
        self._skip_docstring(node)
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._skip_docstring(node)
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._skip_docstring(node)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Subscript(self, node: ast.Subscript) -> None:
        for inner in ast.walk(node.slice):
            self._exempt.add(id(inner))
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        operands = [node.left, *node.comparators]
        if any(_is_len_call(o) for o in operands):
            for o in operands:
                for inner in ast.walk(o):
                    self._exempt.add(id(inner))
        else:
            for o in operands:
                self._compared.add(id(o))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id == "Fraction" and len(node.args) == 2 \
                and all(isinstance(a, ast.Constant) and isinstance(a.value, int) for a in node.args):
            if Fraction(node.args[0].value, node.args[1].value) in RATIOS:
                self._flag(node, f"Fraction({node.args[0].value}, {node.args[1].value})")
            for a in node.args:
                self._exempt.add(id(a))
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if id(node) in self._exempt:
            return
        if isinstance(value, str):
            for problem in _text_problems(value):
                self._flag(node, problem)
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and self.numbers:
            if float(value) in LEGAL_VALUES and (float(value) >= DISTINCTIVE or (id(node) in self._compared and value >= 2)):
                self._flag(node, f"{value!r}")


def _python_problems(path: Path) -> list[str]:
    return _source_problems(path.read_text(encoding="utf-8"), path.relative_to(PROJECT_ROOT).as_posix())


def _source_problems(source: str, rel: str) -> list[str]:
    scan = _PythonScan(source, numbers=not rel.startswith(ENGINEERING))
    scan.visit(ast.parse(source))
    out = []
    for lineno, what in scan.problems:
        line = scan.lines[lineno - 1].strip()
        if (rel, line) not in ALLOWED:
            out.append(f"{rel}:{lineno}: {what}    {line[:100]}")
    return out


# --- YAML ------------------------------------------------------------------------------------------

_LENGTH_KEYS = {"max_length", "min_length"}


def _yaml_problems(path: Path) -> list[str]:
    rel = path.relative_to(PROJECT_ROOT).as_posix()
    out: list[str] = []

    def walk(value, where: str, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{where}.{k}", str(k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{where}[{i}]", key)
        elif isinstance(value, str):
            out.extend(f"{rel}: {where}: {p}" for p in _text_problems(value))
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and key not in _LENGTH_KEYS:
            if float(value) in LEGAL_VALUES and value >= 2:
                out.append(f"{rel}: {where}: {value!r}")

    walk(yaml.safe_load(path.read_text(encoding="utf-8")), path.stem)
    return out


def _python_files() -> list[Path]:
    return sorted((PROJECT_ROOT / "assistant").rglob("*.py"))


def _data_files() -> list[Path]:
    forms = sorted((PROJECT_ROOT / "corpus" / "forms").glob("*.yaml"))
    checks = sorted(p for p in (PROJECT_ROOT / "corpus" / "rules").glob("*.yaml") if not p.name.startswith("_"))
    return forms + checks


def test_no_legal_number_is_written_in_the_code():
    problems = [p for path in _python_files() for p in _python_problems(path)]
    assert not problems, "legal numbers belong in corpus/rules/_law.yaml or a locality file:\n" + "\n".join(problems)


def test_no_legal_number_is_written_in_form_or_check_files():
    problems = [p for path in _data_files() for p in _yaml_problems(path)]
    assert not problems, "write {bound: KEY} or {{ b.KEY }} instead:\n" + "\n".join(problems)


def test_every_allowed_exception_still_exists():
    """An exception that no longer matches a line is stale and must go (it could hide a new literal)."""
    for (rel, line), _why in ALLOWED.items():
        source = (PROJECT_ROOT / rel).read_text(encoding="utf-8")
        assert line in [x.strip() for x in source.splitlines()], (rel, line)


@pytest.mark.parametrize("snippet", [
    "MAX_AGE_LIMIT = 70",
    "def f(p):\n    return p.age > 70",
    'x = {"amount_yuan": 30_000}',
    "y = 3e4",
    'z = Decimal("2000000")',
    "if unit < 30:\n    pass",
    "if n >= 2:\n    pass",
    "r = Fraction(2, 3)",
    'msg = f"负责人任职年龄不得超过70周岁，现为{age}"',
    'msg = "基金会理事会理事为5至25人"',
    'msg = "须有三分之二以上的理事出席"',
    'msg = "连任不得超过两届"',
    'msg = "自清算结束之日起十五日内"',
    'q = "2/3"',
    'm = "活动资金不少于叁万元"',
])
def test_the_scan_catches_the_ways_a_number_is_written(snippet):
    assert _source_problems(snippet, "assistant/probe.py"), snippet


@pytest.mark.parametrize("snippet", [
    'def f():\n    """Reads "3万元" as 30000."""',
    'help = "如“第二届第三次理事会”"',
    "x = items[:60]",
    "if len(text) <= 30:\n    pass",
    'msg = "2025年度报告；3月30日前"',
    'msg = "上一年总收入"',
    "for i in range(5):\n    pass",
    'label = "第二十五条"',
])
def test_the_scan_leaves_incidental_numbers_alone(snippet):
    assert _source_problems(snippet, "assistant/probe.py") == [], snippet
