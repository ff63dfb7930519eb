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
    ("viewer_tab", "文档"),
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
#kb-documents td, #kb-documents th {overflow-wrap: anywhere; word-break: break-word;}
.szzs-open {margin-left: 8px; font-size: 0.9em; white-space: nowrap;}
#doc-view .szzs-doc-head {display: block; line-height: 1.6; padding-bottom: 8px; margin-bottom: 8px;
                          border-bottom: 1px solid var(--border-color-primary);}
#doc-view .szzs-doc-body {display: block; position: relative; max-height: 70vh; overflow-y: auto; line-height: 1.8;
                          padding-right: 8px;}
#doc-view .szzs-chunk {padding: 2px 8px; border-left: 3px solid transparent;}
#doc-view .szzs-target {border-left-color: #faad14; background: rgba(250, 173, 20, 0.08);}
.szzs-doc-missing {border: 1px solid #cf1322; border-radius: 8px; padding: 8px 12px; color: #a8071a;}
.szzs-rel {display: inline-block; border-radius: 4px; padding: 0 6px; margin-right: 6px; font-size: 0.85em;
           border: 1px solid currentColor;}
.szzs-rel.high {color: #135200; background: #f6ffed;}
.szzs-rel.related {color: #0958d9; background: #f0f5ff;}
.szzs-rel.possible {color: #595959; background: #fafafa;}
.szzs-stages {display: flex; gap: 4px; align-items: center; flex-wrap: wrap;}
.szzs-stages .step {padding: 0 6px; border-radius: 4px; color: var(--body-text-color-subdued);}
.szzs-stages .step.done {color: #135200;}
.szzs-stages .step.now {color: #fff; background: #1677ff; font-weight: bold;}
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
        with gr.Tabs() as tabs:
            for module_name, label in TABS:
                try:
                    module = importlib.import_module(f"assistant.ui.{module_name}")
                except ModuleNotFoundError as exc:
                    if exc.name != f"assistant.ui.{module_name}":
                        raise
                    continue
                wanted = inspect.signature(module.build).parameters
                with gr.Tab(label, id=module_name):
                    built = module.build(services, **{k: v for k, v in shared.items() if k in wanted})
                if hasattr(module, "bind_page"):  # a tab that links can open (the document viewer)
                    module.bind_page(app, tabs, built, services)
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
