"""Charter templates (corpus/templates/<type>.md) and the coverage map
(corpus/templates/_coverage.yaml): loading, rendering and parsing into a Charter.

Template syntax (see the comment at the top of each template):

* Jinja2 for placeholders ``{{ p.name }}`` (p = the OrgProfile, t = CharterTerms)
  and conditional clauses ``{% if t.standing %} … {% endif %}``;
* after rendering, ``# 标题`` is the title, ``## 章名`` starts a chapter (numbered
  第一章 … automatically), a line starting ``【要点】`` starts an article (numbered
  第一条 … automatically; the key is not printed), other lines continue the
  current article as further paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml

from assistant.drafting.charter import Article, Chapter, Charter, CoverageRow
from assistant.text.amounts import capital_yuan, format_yuan
from assistant.text.numerals import chinese_number, paren_number, ratio_phrase
from assistant.drafting.terms import CharterTerms
from assistant.profile import OrgProfile
from assistant.rules import Rulebook

COVERAGE_FILE = "_coverage.yaml"
TEMPLATE_KEYS = ("社会团体", "行业协会", "社会服务机构", "基金会")
_ARTICLE_RE = re.compile(r"^【([^】]+)】\s*(.*)$")


class TemplateError(ValueError):
    """A template or the coverage map is malformed (message: 中文 + English)."""


class CoverageError(ValueError):
    """A statutory item would have no article in the draft."""

    def __init__(self, message: str, missing_items: list[str]):
        super().__init__(message)
        self.missing_items = missing_items


@dataclass
class CoverageSpec:
    statute: str
    items: list[tuple[str, list[str]]]  # (item, article keys)


class TemplateLibrary:
    """The templates directory: renders a profile into a Charter with its coverage.

    The statutory items (wording, order, statute) are the rulebook's charter items;
    the coverage map only says which articles of each template cover which item.
    """

    def __init__(self, templates_dir: Path, rulebook: Rulebook):
        self.templates_dir = Path(templates_dir)
        self.rulebook = rulebook
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(self.templates_dir), encoding="utf-8"),
            undefined=jinja2.StrictUndefined,  # a misspelt placeholder is an error, not a blank
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            autoescape=False,
        )
        self.env.filters.update(cn=chinese_number, paren=paren_number, capital=capital_yuan, figure=format_yuan,
                                ratio=ratio_phrase)
        self._coverage: dict[str, CoverageSpec] | None = None

    # -- coverage map -----------------------------------------------------------
    @property
    def coverage_path(self) -> Path:
        return self.templates_dir / COVERAGE_FILE

    def coverage(self) -> dict[str, CoverageSpec]:
        if self._coverage is None:
            self._coverage = self._load_coverage()
        return self._coverage

    def _load_coverage(self) -> dict[str, CoverageSpec]:
        path = self.coverage_path
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise TemplateError(f"缺少法定事项对照文件：{path}（coverage map not found: {path}）") from None
        except yaml.YAMLError as exc:
            raise TemplateError(f"法定事项对照文件格式错误：{path}：{exc}（coverage map is not valid YAML）") from None
        out = {}
        for key, spec in (data or {}).items():
            try:
                org_type, articles = str(spec["org_type"]), dict(spec["articles"])
            except (KeyError, TypeError, ValueError) as exc:
                raise TemplateError(f"法定事项对照文件 {path} 中“{key}”格式错误：缺少 {exc}"
                                    f"（coverage map {path}: entry {key!r} needs org_type and articles）") from None
            items = self.rulebook.charter_items(org_type)
            known = {rule.id for rule in items}
            unknown = sorted(set(articles) - known)
            unmapped = [rule.item for rule in items if rule.id not in articles]
            if unknown or unmapped or not items:
                raise TemplateError(
                    f"法定事项对照文件 {path} 中“{key}”与规则库的{org_type}章程必备事项不一致："
                    f"未知的规则 {unknown}，未对照的事项 {unmapped}"
                    f"（coverage map entry {key!r} does not match the rulebook's charter items: unknown {unknown}, "
                    f"unmapped {unmapped}）")
            out[key] = CoverageSpec(statute=self.rulebook.charter_statute(org_type),
                                    items=[(rule.item, [str(a) for a in articles[rule.id]]) for rule in items])
        return out

    # -- templates --------------------------------------------------------------
    def template_path(self, key: str) -> Path:
        return self.templates_dir / f"{key}.md"

    def article_keys_in_source(self, key: str) -> list[str]:
        """Every 【要点】 written in the template source (whether or not a condition keeps it)."""
        text = self.template_path(key).read_text(encoding="utf-8")
        return re.findall(r"^\s*【([^】]+)】", text, flags=re.M)

    def check_template(self, key: str) -> None:
        """The coverage map and the template agree: every mapped key exists, keys are unique."""
        spec = self.coverage().get(key)
        if spec is None:
            raise TemplateError(f"法定事项对照文件中没有“{key}”的条目（coverage map has no entry for template {key!r}）")
        # A key may appear twice in exclusive if/else branches, so duplicates are
        # rejected by the parser (after rendering), not here.
        keys = self.article_keys_in_source(key)
        unknown = sorted({a for _, arts in spec.items for a in arts} - set(keys))
        if unknown:
            raise TemplateError(f"法定事项对照引用了模板“{key}”中不存在的条款：{'、'.join(unknown)}"
                                f"（coverage map names articles missing from template {key}: {', '.join(unknown)}）")

    def render_text(self, profile: OrgProfile, terms: CharterTerms) -> str:
        key = profile.template_key
        try:
            template = self.env.get_template(f"{key}.md")
            return template.render(p=profile, t=terms)
        except jinja2.TemplateNotFound:
            raise TemplateError(f"缺少章程模板：{self.template_path(key)}（template not found）") from None
        except (jinja2.TemplateError, AttributeError, TypeError) as exc:
            raise TemplateError(f"章程模板 {self.template_path(key)} 渲染失败：{exc}（template failed to render: {exc}）") from None

    def parse(self, text: str, key: str) -> tuple[str, list[Chapter]]:
        """Rendered template text -> (title, chapters with numbered articles)."""
        title = ""
        chapters: list[Chapter] = []
        current: Article | None = None
        seen: set[str] = set()
        number = 0
        for lineno, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line:
                continue
            if line.startswith("## "):
                chapters.append(Chapter(number=len(chapters) + 1, title=line[3:].strip()))
                current = None
                continue
            if line.startswith("# "):
                title = line[2:].strip()
                continue
            m = _ARTICLE_RE.match(line)
            if m:
                if not chapters:
                    raise TemplateError(f"模板“{key}”第{lineno}行：条款出现在第一章之前（article before the first chapter）")
                art_key = m.group(1).strip()
                if art_key in seen:
                    raise TemplateError(f"模板“{key}”中条款要点“{art_key}”重复（duplicate article key {art_key!r}）")
                seen.add(art_key)
                number += 1
                current = Article(key=art_key, number=number, paragraphs=[m.group(2).strip()] if m.group(2).strip() else [])
                chapters[-1].articles.append(current)
                continue
            if current is None:
                raise TemplateError(f"模板“{key}”第{lineno}行：正文不属于任何条款（text outside any article: {line[:30]}）")
            current.paragraphs.append(line)
        if not title:
            raise TemplateError(f"模板“{key}”缺少标题行“# …章程”（template has no title line）")
        return title, chapters

    def draft(self, profile: OrgProfile, terms: CharterTerms) -> Charter:
        """Render, parse, number and attach coverage; CoverageError if an item has no article."""
        key = profile.template_key
        self.check_template(key)
        spec = self.coverage()[key]
        title, chapters = self.parse(self.render_text(profile, terms), key)
        charter = Charter(title=title, template_key=key, statute=spec.statute, chapters=chapters)
        by_key = {a.key: a for a in charter.articles}
        missing = []
        for item, keys in spec.items:
            articles = sorted((by_key[k] for k in keys if k in by_key), key=lambda a: a.number)
            if not articles:
                missing.append(item)
            charter.coverage.append(CoverageRow(item=item, articles=articles))
        if missing:
            raise CoverageError(
                f"章程草稿缺少法定事项（{spec.statute}）：{'；'.join(missing)}。请检查模板 {self.template_path(key)} "
                f"与 {self.coverage_path}（draft would leave statutory item(s) without an article: {'; '.join(missing)}）",
                missing,
            )
        return charter
