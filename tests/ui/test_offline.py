"""The page the browser loads asks nothing of the internet: every request goes to the UI itself
(fonts, scripts, styles included)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser


def test_the_page_loads_everything_from_the_ui_itself(ui_server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(ui_server["url"])
    page.wait_for_selector("text=社组助手")
    for tab in ("问答", "材料检查", "知识库", "检索"):
        page.get_by_role("tab", name=tab).click()
    page.wait_for_timeout(3000)  # Gradio keeps a connection open: "network idle" never comes
    context.close()
    elsewhere = [u for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss")
                 and urlparse(u).hostname not in ("127.0.0.1", "localhost")]
    assert requests and elsewhere == []
