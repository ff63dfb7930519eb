"""Login for a UI reachable beyond this machine.

When ``ui.host`` is not a loopback address the UI asks for a name and password (Gradio's
login page); users live in the settings (``ui.users``: name → salted scrypt hash) and are
added with ``python -m assistant adduser NAME``. Without users such a UI refuses to start.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import os
from typing import Callable

from assistant.settings import Settings

# scrypt cost: about 50 ms and 16 MB per check on the 2-core machine (slows guessing).
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}
SCHEME = "scrypt"


class LoginRequired(RuntimeError):
    """The UI would listen beyond this machine with nobody allowed in."""


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **SCRYPT)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"{SCHEME}${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${b64(salt)}${b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != SCHEME:
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and "localhost"; any other name or address (0.0.0.0 included) is not."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def login_for(settings: Settings) -> Callable[[str, str], bool] | None:
    """Gradio's ``auth`` for these settings: None on a loopback address, a password check
    otherwise; raises LoginRequired when the UI would be open to others without users."""
    host, users = settings.ui.host, dict(settings.ui.users)
    if is_loopback(host):
        return None
    if not users:
        raise LoginRequired(
            f"界面将在 {host}:{settings.ui.port} 上对本机以外开放，但没有设置任何登录用户，拒绝启动。"
            f"请先运行 `python -m assistant adduser 用户名` 添加用户，或把 ui.host 改回 127.0.0.1。 / "
            f"The UI would listen on {host}:{settings.ui.port}, beyond this machine, with no users: refusing to start. "
            f"Add one with `python -m assistant adduser NAME`, or set ui.host back to 127.0.0.1.")

    def check(name: str, password: str) -> bool:
        stored = users.get(name)
        return stored is not None and verify_password(password, stored)

    return check


def startup_notice(settings: Settings) -> str:
    if is_loopback(settings.ui.host):
        return f"仅本机可访问 / local only: http://{settings.ui.host}:{settings.ui.port}"
    scheme = "https" if settings.ui.ssl_certfile else "http"
    notice = (f"界面对本机以外开放（{settings.ui.host}:{settings.ui.port}），需要登录：{len(settings.ui.users)} 个用户 / "
              f"listening beyond this machine on {scheme}://{settings.ui.host}:{settings.ui.port}: "
              f"login required ({len(settings.ui.users)} users)")
    if scheme == "http":
        notice += ("\n注意：未启用 HTTPS，密码以明文传输；请设置 ui.ssl_certfile / ui.ssl_keyfile。 / "
                   "Warning: no HTTPS, passwords travel in clear text; set ui.ssl_certfile and ui.ssl_keyfile.")
    return notice
