"""The rulebook: the one home of the legal knowledge, loaded once, asked by everyone.

It holds

* the **law** (corpus/rules/_law.yaml): every legal number (a ``Bound``: minimum,
  maximum or both, with its basis), the provisions without a number, and the
  naming rules — national law, each number written once;
* the **locality** (corpus/localities/<place>.yaml): what the configured place
  adds or overrides, and its place names;
* the **checks** (the other corpus/rules/*.yaml files): what the filing checker
  looks for — statutory charter items, required materials, thresholds, names,
  signatures, consistency — each naming the law it applies (``bound: key``), its
  basis, severity and the fix to suggest. Texts in rule and form files may use
  the law's values as ``{{ b.key }}`` (Jinja2), so that no number is copied.

    rulebook = load_rulebook(rules_dir, localities_dir, settings.locality)
    rulebook.bound("funds_min", org_type="社会团体", level="全国性")   # Bound: 10万元, 社会团体登记管理条例 第十条
    rulebook.bound("leader_age").max                                 # 70
    rulebook.charter_items("基金会")                                  # the 第十条 items, as rules
    rulebook.names.forbidden_words                                    # ("第一", "最高", "国家级")
    rulebook.at("洛阳市")                                             # the same rulebook for another place

``Services.rulebook`` builds it once from the settings; drafting, checking, forms
(and the coming Q&A guidance and risk screening) receive it. How to add a rule:
corpus/rules/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
import yaml

from assistant.rules.localities import Localities, Locality, LocalityError, as_tuple, load_localities
from assistant.rules.naming import NamingRules, parse_naming
from assistant.rules.provisions import Bound, Provision, parse_provision

LAW_FILE = "_law.yaml"

# Rule types and scopes the loader accepts. The filing checker runs the scopes in CHECKER_SCOPES;
# a new consumer (e.g. risk screening over a registry) adds its own type and scope here.
RULE_TYPES = ("presence", "material", "threshold", "name", "signature", "consistency", "checklist", "summary",
              "indicator")
CHECKER_SCOPES = ("charter", "filing", "package")
# Risk screening (assistant/risk) runs the "indicator" rules of the "registry" scope: registry exports,
# annual figures and penalty records rather than the text of a filing.
RISK_SCOPES = ("registry",)
SCOPES = CHECKER_SCOPES + RISK_SCOPES
SEVERITIES = ("high", "medium", "low")
SEVERITY_LABELS = {"high": "必须补正", "medium": "应当修改", "low": "建议完善"}

KINDS = ("charter", "registration", "annual_report", "charter_approval", "change", "deregistration")
KIND_LABELS = {
    "charter": "章程",
    "registration": "成立登记申请材料",
    "annual_report": "年度工作报告书（年检）",
    "charter_approval": "章程核准申请材料",
    "change": "变更登记申请材料",
    "deregistration": "注销登记申请材料",
}
ORG_TYPES = ("社会团体", "社会服务机构", "基金会")
# Accepted spellings on the command line and in the UI.
ORG_TYPE_ALIASES = {
    "社会团体": "社会团体", "社团": "社会团体", "social_group": "社会团体", "association": "社会团体",
    "社会服务机构": "社会服务机构", "民办非企业单位": "社会服务机构", "民非": "社会服务机构",
    "social_service": "社会服务机构", "social_service_org": "社会服务机构",
    "基金会": "基金会", "foundation": "基金会",
}
KIND_ALIASES = {k: k for k in KINDS} | {label: k for k, label in KIND_LABELS.items()} | {
    "章程": "charter", "成立登记": "registration", "设立登记": "registration", "年检": "annual_report",
    "年度检查": "annual_report", "年度工作报告书": "annual_report", "章程核准": "charter_approval",
    "变更登记": "change", "注销登记": "deregistration", "annual": "annual_report",
}


class RulebookError(ValueError):
    """A rules, law or locality file that does not follow the schema; the message names file and rule."""


@dataclass
class Rule:
    """One check of the filing checker, its texts rendered for one locality."""

    id: str
    item: str  # the required item in the regulation's own words
    type: str
    scope: str
    kinds: tuple[str, ...]
    org_types: tuple[str, ...]
    detect: dict[str, Any]
    basis: str
    severity: str
    suggestion: str
    source: str  # rules file name, for messages
    charter_item: bool = False  # one of the statutory charter items of its org types

    def applies(self, kind: str, org_type: str) -> bool:
        kind_ok = self.scope == "charter" or kind in self.kinds
        return kind_ok and org_type in self.org_types

    def parts(self) -> list[dict[str, Any]]:
        """Detection parts: an item such as 名称、住所 is present only if every part is."""
        if "parts" in self.detect:
            return list(self.detect["parts"])
        return [{"label": self.item, **{k: v for k, v in self.detect.items() if k != "parts"}}]

    def bound_keys(self) -> list[str]:
        """The law's bounds this rule applies (threshold variants)."""
        return [v["bound"] for v in self.detect.get("variants") or [] if "bound" in v]


# --- templated texts ---------------------------------------------------------------

class _Absent:
    """A bound the law knows but this locality does not set: falsy, prints as nothing."""

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return ""

    def __getattr__(self, name: str) -> "_Absent":
        return self


ABSENT = _Absent()


class _Values:
    """``b`` in templates: ``{{ b.sg_funds_local }}`` prints 3万元, ``{{ b.leader_age.n }}`` prints 70."""

    def __init__(self, provisions: dict[str, Provision], known: set[str]):
        self._provisions = provisions
        self._known = known

    def __getattr__(self, key: str):
        if key.startswith("_"):
            raise AttributeError(key)
        if key in self._provisions:
            return self._provisions[key]
        if key in self._known:
            return ABSENT
        raise AttributeError(f"规则库中没有“{key}” / the rulebook has no {key!r}")


def _quoted(words) -> str:
    """["中国", "全国"] -> “中国”“全国”."""
    return "".join(f"“{w}”" for w in words)


def _cited(basis: str) -> str:
    """社会团体登记管理条例 第十条 -> 《社会团体登记管理条例》第十条; 社会组织名称管理办法（民政部令第69号）
    -> 《社会组织名称管理办法》（民政部令第69号）."""
    if basis.startswith("《"):
        return basis
    title, rest = re.match(r"^([^\s（]+)\s*(.*)$", basis).groups()
    return f"《{title}》{rest}"


def _is_template(text: str) -> bool:
    return "{{" in text or "{%" in text


# --- the rulebook ---------------------------------------------------------------------

@dataclass
class _Sources:
    """What is read from disk once; every locality's view is built from it."""

    law: dict[str, Provision]
    law_data: dict[str, Any]
    names: NamingRules
    localities: Localities
    rule_files: list[tuple[Path, dict[str, Any]]]
    files: list[Path]


@dataclass
class Rulebook:
    rules: list[Rule]
    provisions: dict[str, Provision]  # the law in force here: national, plus and over it the locality's
    names: NamingRules
    locality: Locality
    localities: Localities
    files: list[Path] = field(default_factory=list)
    statutes: dict[str, str] = field(default_factory=dict)  # org type -> statute of its charter items
    # rule id -> (why it does not apply here, the org types and filing kinds it is for)
    inapplicable: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    _sources: _Sources | None = field(default=None, repr=False)
    _views: dict[str, "Rulebook"] = field(default_factory=dict, repr=False)

    # --- the law ------------------------------------------------------------------
    def provision(self, key: str) -> Provision | None:
        """A provision or bound by key; None where this locality does not set it.

        KeyError for a key no law file defines (a typo must not pass silently).
        """
        if key in self.provisions:
            return self.provisions[key]
        if key in self.known_keys:
            return None
        raise KeyError(f"规则库中没有“{key}” / the rulebook has no {key!r}")

    def bound(self, key_or_topic: str, *, org_type: str | None = None, level: str | None = None,
              locality: str | None = None, **facts: Any) -> Bound | None:
        """The legal number for a key, or for a topic and an organization's facts.

        A key (``leader_age``) returns its bound. A topic (``funds_min``) returns the
        first bound of that topic whose ``applies`` fits the facts (org_type, level,
        foundation_kind, members …); None when none does, or when the choice depends
        on a fact not given yet (e.g. the level of a 社会团体). ``locality`` asks
        another place's rulebook.
        """
        if locality and not self.locality.names(locality):
            return self.at(locality).bound(key_or_topic, org_type=org_type, level=level, **facts)
        facts = {"org_type": org_type, "level": level, **facts}
        if key_or_topic in self.provisions or key_or_topic in self.known_keys:
            found = self.provisions.get(key_or_topic)
            if found is not None and not isinstance(found, Bound):
                raise KeyError(f"“{key_or_topic}”不是数值（是规定）/ {key_or_topic!r} is a provision, not a bound")
            return found
        candidates = self.topic(key_or_topic)
        if not candidates:
            raise KeyError(f"规则库中没有“{key_or_topic}” / the rulebook has no bound or topic {key_or_topic!r}")
        for candidate in candidates:
            fit = candidate.match(facts)
            if fit is None:
                return None
            if fit and isinstance(candidate, Bound):
                return candidate
        return None

    def provision_for(self, topic: str, **facts: Any) -> Provision | None:
        """The first provision of a topic whose ``applies`` fits the facts."""
        for candidate in self.topic(topic):
            if candidate.match(facts):
                return candidate
        return None

    def members_minimum(self, individual: int, unit: int) -> tuple[Bound, int]:
        """Which member minimum of a 社会团体 applies to this composition, and the count compared with it
        (单位会员 only: the unit count; mixed: the total; otherwise: the individual count)."""
        composition = "混合" if individual and unit else "单位会员" if unit else "个人会员"
        count = individual + unit if composition == "混合" else unit if unit else individual
        return self.bound("sg_members", org_type="社会团体", members=composition), count

    def topic(self, topic: str) -> list[Provision]:
        """Every provision of a topic, local ones first (they are the more specific)."""
        found = [p for p in self.provisions.values() if p.topic == topic]
        return sorted(found, key=lambda p: not p.locality)

    @cached_property
    def known_keys(self) -> set[str]:
        """Keys defined by the law or by any shipped locality."""
        sources = self._sources
        keys = set(self.provisions)
        if sources is not None:
            keys |= set(sources.law) | sources.localities.defined_keys()
        return keys

    def data(self, key: str) -> Any:
        """A further data set of the law or of the locality (the locality's wins): lists such as the
        grounds a local rule gives for failing the 年度检查, each with its ``basis``. None if absent."""
        sources = self._sources
        national = sources.law_data if sources else {}
        return self.locality.data.get(key, national.get(key))

    @property
    def notice(self) -> str:
        """Set when the configured locality has no file: only national rules apply."""
        return self.locality.notice

    # --- charter items --------------------------------------------------------------
    def charter_items(self, org_type: str) -> list[Rule]:
        """The statutory items a charter of this type must contain, in the statute's order."""
        return [r for r in self.rules if r.charter_item and org_type in r.org_types]

    def charter_statute(self, org_type: str) -> str:
        return self.statutes.get(org_type, "")

    # --- checks ---------------------------------------------------------------------
    def by_id(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    # --- texts ----------------------------------------------------------------------
    @cached_property
    def _env(self) -> jinja2.Environment:
        env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)
        env.filters["quoted"] = _quoted
        env.filters["cited"] = _cited
        return env

    def render(self, text: str, **extra: Any) -> str:
        """A text from a rule or form file with the law's values filled in (``{{ b.key }}``)."""
        if not _is_template(text):
            return text
        context = {"b": _Values(self.provisions, self.known_keys), "place": self.locality.name,
                   "locality": self.locality, "names": self.names, **extra}
        return self._env.from_string(text).render(**context)

    def render_data(self, value: Any, where: str = "") -> Any:
        """``render`` applied to every string inside a YAML value."""
        try:
            if isinstance(value, str):
                return self.render(value)
            if isinstance(value, list):
                return [self.render_data(v, where) for v in value]
            if isinstance(value, dict):
                return {k: self.render_data(v, where) for k, v in value.items()}
        except jinja2.TemplateError as exc:
            raise RulebookError(f"{where}：文字模板错误：{exc} / template error in {where}: {exc}") from None
        return value

    # --- other places ---------------------------------------------------------------
    def at(self, locality: str) -> "Rulebook":
        """The same rulebook for another locality (built once, then cached)."""
        if self.locality.names(locality) or self._sources is None:
            return self
        if locality not in self._views:
            self._views[locality] = _build(self._sources, locality)
        return self._views[locality]


# --- loading ----------------------------------------------------------------------------

def read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RulebookError(f"规则文件 {path.name} 无法读取：{exc} / cannot read rules file {path.name}: {exc}") from exc
    if not isinstance(data, dict):
        raise RulebookError(f"规则文件 {path.name} 格式错误 / rules file {path.name} is not a mapping")
    return data


def _check_variants(raw: dict[str, Any], source: str, known: set[str]) -> None:
    rid = raw.get("id", "?")
    for variant in (raw.get("detect") or {}).get("variants") or []:
        if "min" in variant or "max" in variant:
            raise RulebookError(f"{source} 规则 {rid}：数值须引用规则库（bound: 键），不能直接写在检查规则中"
                                f" / rule {rid} in {source} writes a number; refer to the law with bound: KEY")
        if "bound" not in variant:
            raise RulebookError(f"{source} 规则 {rid}：限值缺少 bound / a variant of rule {rid} in {source} names no bound")
        if variant["bound"] not in known:
            raise RulebookError(f"{source} 规则 {rid}：规则库中没有“{variant['bound']}” / rule {rid} in {source} "
                                f"refers to an unknown bound {variant['bound']!r}")


def parse_rule(raw: dict[str, Any], source: str, book: Rulebook) -> Rule:
    """One check, validated and with its texts rendered for ``book``'s locality."""
    rid = raw.get("id", "?")
    missing = [k for k in ("id", "item", "type", "basis", "severity", "suggestion") if not raw.get(k)]
    if missing:
        raise RulebookError(f"{source} 规则 {rid} 缺少字段 {missing} / rule {rid} in {source} lacks {missing}")
    if raw["type"] not in RULE_TYPES:
        raise RulebookError(f"{source} 规则 {rid} 类型未知：{raw['type']} / unknown rule type")
    if raw["severity"] not in SEVERITIES:
        raise RulebookError(f"{source} 规则 {rid} 严重程度未知：{raw['severity']} / unknown severity")
    scope = raw.get("scope", "filing")
    if scope not in SCOPES:
        raise RulebookError(f"{source} 规则 {rid} 范围未知：{scope} / unknown scope")
    kinds = as_tuple(raw.get("kinds")) or KINDS
    bad_kinds = [k for k in kinds if k not in KINDS]
    org_types = as_tuple(raw.get("org_types")) or ORG_TYPES
    bad_types = [t for t in org_types if t not in ORG_TYPES]
    if bad_kinds or bad_types:
        raise RulebookError(f"{source} 规则 {rid} 适用范围有误：{bad_kinds + bad_types} / unknown kinds or org types")
    _check_variants(raw, source, book.known_keys)
    where = f"{source} 规则 {rid}"
    texts = book.render_data({k: raw[k] for k in ("item", "basis", "suggestion")}, where)
    return Rule(
        id=str(raw["id"]), item=str(texts["item"]), type=raw["type"], scope=scope, kinds=kinds,
        org_types=org_types, detect=book.render_data(dict(raw.get("detect") or {}), where), basis=str(texts["basis"]),
        severity=raw["severity"], suggestion=str(texts["suggestion"]), source=source,
        charter_item=bool(raw.get("charter_item")),
    )


def missing_here(raw: dict[str, Any], book: Rulebook) -> list[str]:
    """Keys of the law this rule needs that the locality does not set."""
    needed = list(as_tuple(raw.get("requires")))
    needed += [v["bound"] for v in (raw.get("detect") or {}).get("variants") or [] if "bound" in v]
    return [key for key in needed if key not in book.provisions]


def _read_law(path: Path) -> tuple[dict[str, Provision], NamingRules, dict[str, Any]]:
    if not path.is_file():
        raise RulebookError(f"缺少法定数值文件 {path} / the law file {path} is missing")
    data = read_yaml(path)
    law: dict[str, Provision] = {}
    for section in ("bounds", "provisions"):
        for key, raw in (data.get(section) or {}).items():
            if key in law:
                raise RulebookError(f"{path.name}：键“{key}”重复 / duplicate key {key} in {path.name}")
            try:
                law[str(key)] = parse_provision(str(key), raw)
            except ValueError as exc:
                raise RulebookError(f"{path.name}：{exc} / invalid entry {key} in {path.name}") from None
    try:
        names = parse_naming(data.get("names") or {})
    except ValueError as exc:
        raise RulebookError(f"{path.name}：{exc} / invalid names section in {path.name}") from None
    return law, names, dict(data.get("data") or {})


def _build(sources: _Sources, locality_name: str) -> Rulebook:
    locality = sources.localities.get(locality_name)
    provisions = {**sources.law, **locality.provisions}
    book = Rulebook(rules=[], provisions=provisions, names=sources.names.with_region_names(locality.short_names),
                    locality=locality, localities=sources.localities, files=sources.files, _sources=sources)
    seen: set[str] = set()
    for path, data in sources.rule_files:
        statute = str(data.get("statute") or "")
        for raw in data.get("rules") or []:
            rid = str(raw.get("id", "?"))
            if rid in seen:
                raise RulebookError(f"规则编号重复：{rid} / duplicate rule id {rid}")
            seen.add(rid)
            missing = missing_here(raw, book)
            if missing:
                _check_variants(raw, path.name, book.known_keys)
                reason = f"{locality.name}没有规定{'、'.join(_item_of(k, sources) for k in missing)}"
                # A risk indicator is for no filing kind: the checker must not list it as not applicable.
                kinds = () if raw.get("scope") in RISK_SCOPES else \
                    KINDS if raw.get("scope") == "charter" else as_tuple(raw.get("kinds")) or KINDS
                book.inapplicable[rid] = (reason, as_tuple(raw.get("org_types")) or ORG_TYPES, kinds)
                continue
            rule = parse_rule(raw, path.name, book)
            book.rules.append(rule)
            if rule.charter_item and statute:
                for org_type in rule.org_types:
                    book.statutes.setdefault(org_type, statute)
    return book


def _item_of(key: str, sources: _Sources) -> str:
    for loc in sources.localities.by_name.values():
        if key in loc.provisions:
            p = loc.provisions[key]
            return f"{p.label}{p.item}"
    return key


def load_rulebook(rules_dir: Path, localities_dir: Path | None = None, locality: str = "") -> Rulebook:
    """The rulebook for one locality: the law file, the locality files and every rules file.

    ``localities_dir`` defaults to ``<rules_dir>/../localities``; without ``locality``
    the first shipped locality is used.
    """
    rules_dir = Path(rules_dir)
    localities_dir = Path(localities_dir) if localities_dir else rules_dir.parent / "localities"
    law, names, law_data = _read_law(rules_dir / LAW_FILE)
    try:
        localities = load_localities(localities_dir) if localities_dir.is_dir() else Localities({}, localities_dir)
    except LocalityError as exc:
        raise RulebookError(str(exc)) from None
    files = sorted(p for p in rules_dir.glob("*.yaml") if not p.name.startswith("_"))
    if not files:
        raise RulebookError(f"规则目录 {rules_dir} 中没有规则文件 / no rules files in {rules_dir}")
    sources = _Sources(law=law, law_data=law_data, names=names, localities=localities,
                       rule_files=[(p, read_yaml(p)) for p in files], files=files)
    return _build(sources, locality or next(iter(localities.names()), ""))
