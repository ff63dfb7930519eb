"""问答 tab: streaming chat over the policy Q&A service.

Each answer shows its citations underneath; a citation expands to the source
passage with the supporting sentence highlighted. The backend in use is shown,
with a clear notice when no LLM is configured (answers are then retrieved text).
"""

from __future__ import annotations

import html
import time

import gradio as gr

from assistant.llm.backends import BACKEND_LABELS
from assistant.qa.passages import Passage
from assistant.qa.service import QAAnswer, QAStage
from assistant.ui import marks
from assistant.ui.progress import TICK, stages_html, with_ticks
from assistant.ui.viewer_tab import open_link
from assistant.versions.asof import parse_date

CURSOR = "▌"
# The stages an answer goes through, as the chat shows them (QAStage.stage keys).
STEPS = [("retrieving", "检索"), ("selecting", "选取原文"), ("generating", "生成")]
STEPS_WITHOUT_LLM = [("retrieving", "检索"), ("selecting", "选取原文"), ("generating", "摘录原文")]
PREPARING = "正在准备（首次提问需要加载模型，请稍候）……"

REMOVAL_REASONS = {
    "no_such_passage": "编号不存在",
    "quote_not_verbatim": "引文与原文不符",
    "not_supported": "原文不支持该句",
    "unsupported_fact": "数字或名称不见于原文",
    "better_passage": "改指向更符合原文的条文",
}


def _passage_html(p: Passage, quote: str) -> str:
    text = p.text.strip()
    start = text.find(quote) if quote else -1
    if start >= 0:
        body = html.escape(text[:start]) + "<mark>" + html.escape(quote) + "</mark>" + html.escape(text[start + len(quote):])
    else:
        body = html.escape(text)
    return body.replace("\n", "<br>")


def _details(n: int | None, p: Passage, quote: str, css_class: str = "szzs-citation") -> str:
    head = f"[{n}] " if n is not None else ""
    summary = html.escape(head + p.label)
    quote_line = f'<div class="szzs-quote">“{html.escape(quote)}”</div>' if quote else ""
    return (
        f'<details class="{css_class}"><summary>{summary}</summary>{quote_line}'
        f'<div class="szzs-passage">{_passage_html(p, quote)}</div>'
        f'<div class="meta">来源：{html.escape(p.source)}{open_link(p.doc_id, p.chunk_id, quote, "在全文中查看")}</div>'
        '</details>'
    )


def render_answer(answer: QAAnswer) -> str:
    """The chat message for a finished answer: text, expandable citations, a status line.

    HTML is kept on single lines: a blank line would end the HTML block in the
    Chatbot's Markdown renderer.
    """
    # The evidence is shown once, as expandable citations under the lead; a refusal names the
    # closest passages once, as expandable items.
    if answer.grounded and answer.lead:
        shown = (answer.error + "\n" if answer.error else "") + answer.lead
        if answer.backend == "none":
            # Without a model the lead is the evidence itself; say so, so nobody reads it as generated.
            shown = "检索到的相关条文（原文摘录，未经大模型生成）：\n" + shown
    else:
        shown = answer.answer.split("\n")[0]
    parts = [html.escape(shown).replace("\n", "<br>")]
    if answer.citations:
        items = "".join(_details(c.n, c.passage, c.quote) for c in answer.citations)
        parts.append(f'<div class="szzs-citations"><div class="meta">引用（点击展开原文）：</div>{items}</div>')
    elif answer.passages:
        items = "".join(_details(None, p, "") for p in answer.closest)
        parts.append(f'<div class="szzs-citations szzs-closest"><div class="meta">最接近的条文：</div>{items}</div>')
    status = [f"后端：{BACKEND_LABELS.get(answer.backend, answer.backend)}", f"用时 {answer.seconds:.1f} 秒"]
    if answer.removed:
        reasons = "、".join(sorted({REMOVAL_REASONS.get(r.reason, r.reason) for r in answer.removed}))
        status.append(f"已删除 {len(answer.removed)} 处未通过核验的内容（{reasons}）")
    if answer.error:
        status.append(html.escape(answer.error))
    parts.append(f'<div class="meta szzs-status">{" · ".join(status)}</div>')
    return "<br>".join(parts)


def render_evidence(evidence) -> str:
    """The answering sentences, shown as soon as they are chosen (before the model writes)."""
    # Marked provisional: the final, verified citations replace these when the answer is rendered.
    rows = "".join(_details(s.n, s.passage, s.text.strip(), "szzs-citation szzs-provisional") for s in evidence.sentences)
    return f'<div class="szzs-citations szzs-evidence"><div class="meta">原文依据：</div>{rows}</div>'


def backend_notice(backend: str) -> str:
    if backend == "none":
        return (f"{marks.CAUTION}**当前未启用大模型**（后端 none）：回答是检索到的相关条文原文摘录，不做生成。"
                " / No LLM configured: answers are the retrieved passages.")
    return f"当前后端：**{BACKEND_LABELS.get(backend, backend)}**。回答只依据知识库中的文件，每处引用都经过原文核验。"


def build(services) -> None:
    gr.Markdown(backend_notice(services.settings.llm.backend), elem_id="qa-backend")
    chat = gr.Chatbot(label="政策问答", height=520, elem_id="qa-chat", buttons=["copy"])
    asked = gr.State([])  # the user's earlier questions, for follow-ups
    with gr.Row():
        question = gr.Textbox(
            label="问题",
            placeholder="例如：长宁区2026年对社区社会组织有什么安排？ 追问可以直接说“那上海市呢？”",
            scale=5,
            elem_id="qa-question",
        )
        send = gr.Button("提问", variant="primary", scale=1, elem_id="qa-send")
        clear = gr.Button("新对话", scale=1, elem_id="qa-clear")
    as_of = gr.Textbox(label="效力日期（按该日有效的文本作答，默认今天）", placeholder="YYYY-MM-DD", elem_id="qa-as-of")

    steps = STEPS if services.settings.llm.backend != "none" else STEPS_WITHOUT_LLM

    def respond(text: str, messages: list, history: list, as_of_value: str = ""):
        text = (text or "").strip()
        if not text:
            yield messages, history, ""
            return
        started = time.perf_counter()
        stage, message = "retrieving", PREPARING
        messages = list(messages or []) + [
            {"role": "user", "content": text},
            {"role": "assistant", "content": stages_html(steps, stage, message, 0.0)},
        ]
        yield messages, history, ""
        try:
            as_of_date = parse_date((as_of_value or "").strip() or None)
        except ValueError as exc:
            messages[-1] = {"role": "assistant", "content": html.escape(str(exc))}
            yield messages, history, ""
            return
        draft, evidence_html = "", ""
        # services.qa is first built inside the stream (the embedder and the model load there): ticked too.
        for item in with_ticks(lambda: services.qa.stream(text, history=list(history), as_of=as_of_date)):
            if isinstance(item, QAStage):
                if item.evidence is not None:
                    evidence_html = render_evidence(item.evidence)
                if item.stage in dict(steps):
                    stage = item.stage
                message = item.message
            elif isinstance(item, str):
                draft += item
            elif item is not TICK:
                messages[-1] = {"role": "assistant", "content": render_answer(item)}
                yield messages, list(history) + [text], ""
                return
            status = stages_html(steps, stage, message, time.perf_counter() - started)
            body = html.escape(draft) + CURSOR if draft else ""
            messages[-1] = {"role": "assistant", "content": status + body + evidence_html}
            yield messages, history, ""

    send.click(respond, inputs=[question, chat, asked, as_of], outputs=[chat, asked, question], api_name="ask")
    question.submit(respond, inputs=[question, chat, asked, as_of], outputs=[chat, asked, question])
    clear.click(lambda: ([], [], ""), outputs=[chat, asked, question])
