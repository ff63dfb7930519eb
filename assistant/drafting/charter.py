"""A drafted charter as data: chapters of auto-numbered articles plus the
法定事项对照 (statutory item -> articles). Markdown and DOCX are views of it."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.text.numerals import article_number, chapter_number


@dataclass
class Article:
    key: str  # the template's 【要点】 name; not printed, used by the coverage map
    number: int  # 1-based, across the whole charter
    paragraphs: list[str]

    @property
    def label(self) -> str:
        return article_number(self.number)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class Chapter:
    number: int
    title: str
    articles: list[Article] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{chapter_number(self.number)} {self.title}"


@dataclass
class CoverageRow:
    item: str  # statutory item, in the regulation's wording
    articles: list[Article]

    @property
    def labels(self) -> list[str]:
        return [a.label for a in self.articles]


@dataclass
class Charter:
    title: str
    template_key: str
    statute: str  # e.g. 社会团体登记管理条例 第十四条
    chapters: list[Chapter]
    coverage: list[CoverageRow] = field(default_factory=list)

    @property
    def articles(self) -> list[Article]:
        return [a for c in self.chapters for a in c.articles]

    def article(self, key: str) -> Article | None:
        for a in self.articles:
            if a.key == key:
                return a
        return None

    def plain_text(self) -> str:
        """The body as a reader sees it (no annex): used by consistency checks and the checker."""
        lines = [self.title]
        for chapter in self.chapters:
            lines.append(chapter.heading)
            for a in chapter.articles:
                first, *rest = a.paragraphs or [""]
                lines.append(f"{a.label} {first}")
                lines.extend(rest)
        return "\n".join(lines)

    def to_markdown(self) -> str:
        out = [f"# {self.title}", ""]
        for chapter in self.chapters:
            out += [f"## {chapter.heading}", ""]
            for a in chapter.articles:
                first, *rest = a.paragraphs or [""]
                out.append(f"**{a.label}** {first}")
                out.extend(f"\n{p}" for p in rest)
                out.append("")
        out += ["## 附件：法定事项对照", "", f"依据：{self.statute}", "", "| 序号 | 法定事项 | 对应条款 |", "|---|---|---|"]
        for i, row in enumerate(self.coverage, 1):
            out.append(f"| {i} | {row.item} | {'、'.join(row.labels)} |")
        out.append("")
        return "\n".join(out)
