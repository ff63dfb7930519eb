"""`python -m assistant adduser NAME [--remove] [--password-stdin]`: the UI's login users.

Users are written into the YAML settings file (``SZZS_CONFIG``, else ./settings.yaml) as
``ui.users: {NAME: <salted scrypt hash>}``; the password itself is never stored.
"""

from __future__ import annotations

import getpass
import sys

HELP = "添加或删除界面登录用户（写入设置文件）/ add or remove a UI login user (in the settings file)"
MIN_LENGTH = 8


def add_arguments(parser) -> None:
    parser.add_argument("name", help="user name")
    parser.add_argument("--remove", action="store_true", help="remove the user")
    parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码 password: ")
    if first != getpass.getpass("确认密码 again: "):
        raise ValueError("确认密码与密码不一致 / the passwords differ")
    return first


def run(args, services) -> int:
    import yaml

    from assistant.kb.datadir import atomic_write_text
    from assistant.settings import Settings
    from assistant.ui.auth import hash_password

    path = Settings.yaml_path()
    data = (yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None) or {}
    users = data.setdefault("ui", {}).setdefault("users", {}) or {}
    data["ui"]["users"] = users
    if args.remove:
        if users.pop(args.name, None) is None:
            print(f"没有用户“{args.name}” / no user '{args.name}'", file=sys.stderr)
            return 1
    else:
        try:
            password = read_password(args.password_stdin)
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 1
        if len(password) < MIN_LENGTH:
            print(f"密码至少 {MIN_LENGTH} 个字符 / the password needs at least {MIN_LENGTH} characters", file=sys.stderr)
            return 1
        users[args.name] = hash_password(password)
    atomic_write_text(path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False), prefix=".settings-")
    action = "已删除" if args.remove else "已保存"
    print(f"{action}用户“{args.name}”：{path.resolve()}（共 {len(users)} 个用户） / "
          f"user '{args.name}' {'removed' if args.remove else 'saved'} in {path.resolve()}")
    return 0
