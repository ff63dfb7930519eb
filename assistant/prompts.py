"""Prompt texts live in ``prompts/<name>.txt`` (Chinese, edited as data, not code)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.settings import Settings


class PromptNotFoundError(FileNotFoundError):
    pass


def load_prompt(settings: "Settings", name: str) -> str:
    """The text of ``prompts/<name>.txt``; a clear bilingual error if it is missing."""
    path = settings.prompts_dir / f"{name}.txt"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError as exc:
        raise PromptNotFoundError(f"找不到提示词文件：{path} / prompt file not found: {path}") from exc
    except UnicodeDecodeError as exc:
        raise PromptNotFoundError(f"提示词文件不是 UTF-8 编码：{path} / prompt file is not UTF-8: {path}") from exc
