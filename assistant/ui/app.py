"""Assemble the Gradio app from the tab modules. The UI is just another client of the services."""

from __future__ import annotations

import importlib
import inspect
import signal
import sys

import gradio as gr

from assistant.services import Services
from assistant.ui import files
from assistant.ui.auth import LoginRequired, login_for, startup_notice

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
    """The app; Gradio's files go to this process's private folder and every file input is
    guarded (assistant/ui/files.py). No analytics, no version check (nothing leaves the machine)."""
    files.setup(services.settings)
    with gr.Blocks(title="社组助手", analytics_enabled=False) as app:
        gr.Markdown("# 社组助手\n社会组织政策问答 · 章程起草 · 材料检查 · 智能填报")
        # The organization profile (raw profile data, per browser session) that 章程起草 edits and
        # 材料检查, 智能填报 and 风险识别 use: a tab whose build() takes ``profile`` gets it.
        shared = {"profile": gr.State(None)}
        for module_name, label in TABS:
            try:
                module = importlib.import_module(f"assistant.ui.{module_name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"assistant.ui.{module_name}":
                    raise
                continue
            wanted = inspect.signature(module.build).parameters
            with gr.Tab(label, id=module_name):
                module.build(services, **{k: v for k, v in shared.items() if k in wanted})
    files.guard_file_inputs(app)
    return app


def serve(services: Services) -> int:
    """Start the UI on ui.host:ui.port; a login is required beyond loopback (assistant/ui/auth.py)."""
    settings = services.settings
    try:
        auth = login_for(settings)
    except LoginRequired as exc:
        print(exc, file=sys.stderr)
        return 2
    # A plain `kill` ends the UI through its exit handlers: the private temp folder goes too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = build_app(services)
    print(startup_notice(settings), flush=True)
    ui = settings.ui
    app.queue().launch(server_name=ui.host, server_port=ui.port, css=CSS, show_error=True, share=False,
                       auth=auth, auth_message="社组助手：请登录 / please log in",
                       max_file_size=int(settings.ingest.max_file_mb * 1024 * 1024),
                       blocked_paths=[str(settings.data_dir)],  # never served or read as an upload
                       ssl_certfile=str(ui.ssl_certfile) if ui.ssl_certfile else None,
                       ssl_keyfile=str(ui.ssl_keyfile) if ui.ssl_keyfile else None)
    return 0
