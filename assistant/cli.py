"""Command line: ``python -m assistant <command>``.

Each command lives in ``assistant/commands/<name>.py`` and defines
``HELP``, ``add_arguments(parser)`` and ``run(args, services) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = ("ingest", "delete", "search", "ask", "draft", "check", "fill", "diff", "align", "validity", "risk", "adduser")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="社组助手 command line")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"assistant.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"assistant.commands.{name}":
                raise
            continue  # a capability not installed in this build
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    # Chinese output must survive pipes and non-UTF-8 locales.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    from assistant.services import Services

    return int(args._module.run(args, Services()) or 0)
