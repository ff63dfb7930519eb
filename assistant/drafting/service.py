"""DraftingService: profile -> charter draft (Markdown + DOCX) with guaranteed
statutory coverage, shared by the CLI, the UI, the eval and the tests.

The structure does the legal work: templates in corpus/templates decide the
articles, the coverage map decides which articles cover which of the rulebook's
statutory items, the rulebook judges the profile and supplies what it leaves
out, and the profile supplies every number. The chat model (optional) only helps
where wording is free — polishing 宗旨/业务范围 as a suggestion, explaining a
clause — and the knowledge base (optional) supplies policy passages shown
beside the draft. Without either, drafting works fully.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from assistant.drafting.charter import Charter
from assistant.drafting.consistency import ConsistencyCheck, check_charter
from assistant.drafting.docx_writer import docx_bytes, write_docx
from assistant.drafting.templates import CoverageError, TemplateError, TemplateLibrary
from assistant.drafting.terms import build_terms
from assistant.profile import (
    OrgProfile,
    ProfileError,
    ProfileProblem,
    blocking,
    complete_profile,
    load_profile,
    profile_problems,
    rulebook_for,
    validate_profile_data,
)
from assistant.prompts import load_prompt
from assistant.rules import Rulebook, load_rulebook
from assistant.settings import Settings

__all__ = ["CoverageError", "DraftResult", "DraftingService", "PolicyPassages", "ProfileError", "ProfileInvalid", "Suggestion",
           "TemplateError"]

KB_UNAVAILABLE = "知识库不可用，未附相关政策条文（草稿不受影响）"
KB_EMPTY = "知识库中没有找到与本组织领域相关的政策条文（知识库可能为空，请先运行 python -m assistant ingest）"


class ProfileInvalid(ValueError):
    """The profile breaks rules that a charter cannot be drafted around (all problems attached)."""

    def __init__(self, problems: list[ProfileProblem], source: str = ""):
        self.problems = problems
        where = f"{source}：" if source else ""
        lines = "\n".join(f"  - {p.message}（{p.basis}）" if p.basis else f"  - {p.message}" for p in problems)
        super().__init__(f"{where}组织概况有 {len(problems)} 处问题，无法起草章程"
                         f"（profile has {len(problems)} problem(s); no charter drafted）：\n{lines}")


@dataclass
class DraftResult:
    profile: OrgProfile
    charter: Charter
    checks: list[ConsistencyCheck]
    warnings: list[str]
    seconds: float

    @property
    def markdown(self) -> str:
        return self.charter.to_markdown()

    @property
    def checks_passed(self) -> int:
        return sum(c.passed for c in self.checks)

    def docx_bytes(self) -> bytes:
        return docx_bytes(self.charter)

    def write_docx(self, path: str | Path) -> Path:
        return write_docx(self.charter, path)

    def summary(self) -> dict[str, Any]:
        """The shape printed by ``python -m assistant draft --json``."""
        return {
            "org_type": self.profile.org_type,
            "name": self.profile.name,
            "articles": len(self.charter.articles),
            "coverage": [{"item": row.item, "articles": row.labels} for row in self.charter.coverage],
            "warnings": self.warnings,
        }


@dataclass
class PolicyPassages:
    query: str
    hits: list[dict[str, Any]] = field(default_factory=list)  # hit_from_document shape
    note: str = ""  # why there are none, when there are none


@dataclass
class Suggestion:
    field: str  # "purpose" | "business_scope"
    text: str  # the suggested wording (宗旨 paragraph, or scope items one per line)
    items: list[str] = field(default_factory=list)  # business_scope only


class DraftingService:
    def __init__(self, settings: Settings, retriever_factory: Callable[[], Any] | None = None,
                 llm_factory: Callable[[], Any] | None = None, rulebook: Rulebook | None = None):
        self.settings = settings
        self._retriever_factory = retriever_factory
        self._llm_factory = llm_factory
        self.rulebook = rulebook or load_rulebook(settings.rules_dir, settings.localities_dir, settings.locality)
        self.templates = TemplateLibrary(settings.templates_dir, self.rulebook)

    # -- drafting -------------------------------------------------------------------
    def draft(self, profile: OrgProfile | dict, *, today: date | None = None, source: str = "") -> DraftResult:
        """Draft a charter. Raises ProfileInvalid (rule errors), CoverageError, TemplateError."""
        started = time.perf_counter()
        if isinstance(profile, dict):
            parsed, problems = validate_profile_data(profile, self.rulebook, today=today)
            if parsed is None:
                raise ProfileInvalid(problems, source)
            profile = parsed
        else:
            problems = profile_problems(profile, self.rulebook, today=today)
            profile = complete_profile(profile, rulebook_for(profile, self.rulebook))
        errors = blocking(problems)
        if errors:
            raise ProfileInvalid(errors, source)
        charter = self.templates.draft(profile, build_terms(profile))
        checks = check_charter(charter, profile)
        warnings = [p.message for p in problems if p.severity == "warning"]
        warnings += [f"一致性检查未通过：{c.name}（{c.detail}）" for c in checks if not c.passed]
        return DraftResult(profile=profile, charter=charter, checks=checks, warnings=warnings,
                           seconds=time.perf_counter() - started)

    def draft_file(self, path: str | Path, *, today: date | None = None) -> DraftResult:
        """Draft from a YAML/JSON profile file (ProfileError / ProfileInvalid name the file)."""
        profile = load_profile(path)
        return self.draft(profile, today=today, source=str(path))

    # -- knowledge base ------------------------------------------------------------------
    @staticmethod
    def policy_query(profile: OrgProfile) -> str:
        field_words = {"科技类": "科技类社会组织 新型研发机构", "行业协会商会": "行业协会商会", "公益慈善类": "公益慈善类社会组织 慈善",
                       "城乡社区服务类": "城乡社区服务类社会组织 社区"}.get(profile.field_category, "")
        scope = "，".join(profile.business_scope[:2])
        return " ".join(x for x in (field_words, profile.type_label, profile.name, scope) if x)

    def relevant_passages(self, profile: OrgProfile, k: int = 5) -> PolicyPassages:
        """Policy passages for the organization's field, or a note saying why there are none."""
        from assistant.kb.schema import hit_from_document

        query = self.policy_query(profile)
        if self._retriever_factory is None:
            return PolicyPassages(query, note=KB_UNAVAILABLE)
        try:
            retriever = self._retriever_factory()
            if retriever is None:
                return PolicyPassages(query, note=KB_UNAVAILABLE)
            if hasattr(retriever, "search"):
                docs = retriever.search(query, k=k + 3)
            else:
                docs = retriever.invoke(query)
        except Exception as exc:  # noqa: BLE001 — any KB failure must leave drafting working
            return PolicyPassages(query, note=f"{KB_UNAVAILABLE}：{type(exc).__name__}: {exc}"[:300])
        # Our own templates are in the KB too; beside a draft they would only echo it.
        hits = [hit_from_document(d) for d in docs if d.metadata.get("doc_type") != "template"][:k]
        return PolicyPassages(query, hits=hits, note="" if hits else KB_EMPTY)

    # -- LLM help ------------------------------------------------------------------------
    def _llm(self):
        return self._llm_factory() if self._llm_factory else None

    @property
    def has_llm(self) -> bool:
        try:
            return self._llm() is not None
        except Exception:  # noqa: BLE001 — a broken backend means no help, not no drafting
            return False

    def suggest_wording(self, field_name: str, description: str, org_type: str = "社会团体",
                        name: str = "") -> Suggestion | None:
        """A formal 宗旨 or 业务范围 written from a short description; None without a chat model.

        The result is a suggestion: the caller shows it and the user accepts or edits it.
        """
        from langchain_core.messages import HumanMessage, SystemMessage

        if field_name not in ("purpose", "business_scope"):
            raise ValueError(f"只能润色宗旨或业务范围（field must be purpose or business_scope, got {field_name!r}）")
        llm = self._llm()
        if llm is None or not description.strip():
            return None
        system = load_prompt(self.settings, "drafting_polish")
        task = "宗旨" if field_name == "purpose" else "业务范围"
        human = (f"组织类型：{org_type}\n组织名称：{name or '（未定）'}\n要写的内容：{task}\n"
                 f"用户的简短说明：{description.strip()}")
        reply = llm.invoke([SystemMessage(system), HumanMessage(human)])
        text = str(getattr(reply, "content", reply)).strip()
        if field_name == "purpose":
            text = re.sub(r"^(本(会|单位|基金会)的)?宗旨[是为：:]\s*", "", text.splitlines()[0] if text else "").strip("“”\" ")
            return Suggestion(field_name, text) if text else None
        items = [_strip_item_marker(line) for line in text.splitlines()]
        items = [i for i in items if i and not i.startswith(("业务范围", "以下"))]
        return Suggestion(field_name, "\n".join(items), items) if items else None

    def explain_clause(self, clause: str, org_type: str = "社会团体") -> str | None:
        """A plain-language explanation of one charter clause; None without a chat model."""
        from langchain_core.messages import HumanMessage, SystemMessage

        llm = self._llm()
        if llm is None or not clause.strip():
            return None
        system = load_prompt(self.settings, "drafting_explain")
        reply = llm.invoke([SystemMessage(system), HumanMessage(f"组织类型：{org_type}\n条款：{clause.strip()}")])
        return str(getattr(reply, "content", reply)).strip() or None


_ITEM_MARKER = re.compile(r"^\s*(?:[-*•·]|\d+[.、．)]|（[一二三四五六七八九十]+）|\([一二三四五六七八九十\d]+\)|[一二三四五六七八九十]+、)\s*")


def _strip_item_marker(line: str) -> str:
    return _ITEM_MARKER.sub("", line).strip().rstrip("；;。")

