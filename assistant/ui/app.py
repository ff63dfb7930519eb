"""Assemble the Gradio app from the tab modules. The UI is just another client of the services."""

from __future__ import annotations

import importlib

import gradio as gr

from assistant.services import Services

# (module under assistant.ui, tab label); a tab whose module is absent is left out.
TABS = (
    ("qa_tab", "问答"),
    ("drafting_tab", "章程起草"),
    ("checking_tab", "材料检查"),
    ("forms_tab", "智能填报"),
    ("versions_tab", "版本对比"),
    ("alignment_tab", "市区对照"),
    ("risk_tab", "风险识别"),
    ("knowledge_tab", "知识库"),
    ("search_tab", "检索"),
)

CSS = """
.szzs-hit {border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 12px; margin: 6px 0;}
.szzs-hit .meta {color: var(--body-text-color-subdued); font-size: 0.9em;}
mark {background: #ffe58f; padding: 0 2px;}
.szzs-diff table {width: 100%; border-collapse: collapse; margin-bottom: 12px;}
.szzs-diff td, .szzs-diff th {border: 1px solid var(--border-color-primary); padding: 6px; vertical-align: top;}
.szzs-diff del {background: #ffd6d6; color: #a8071a;}
.szzs-diff ins {background: #d9f7be; color: #135200; text-decoration: none;}
.szzs-diff tr.added td, .szzs-align tr.own td {background: rgba(82, 196, 26, 0.08);}
.szzs-diff tr.removed td {background: rgba(245, 34, 45, 0.08);}
"""


def build_app(services: Services) -> gr.Blocks:
    with gr.Blocks(title="社组助手") as app:
        gr.Markdown("# 社组助手\n社会组织政策问答 · 章程起草 · 材料检查 · 智能填报")
        for module_name, label in TABS:
            try:
                module = importlib.import_module(f"assistant.ui.{module_name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"assistant.ui.{module_name}":
                    raise
                continue
            with gr.Tab(label, id=module_name):
                module.build(services)
    return app
