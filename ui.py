"""Start the Gradio UI on settings.ui.host:port (default 127.0.0.1:7860).

``python ui.py [--ingest]``: with --ingest, first brings the index up to date with corpus/.
Beyond loopback it requires a login (``python -m assistant adduser NAME``).
"""

import argparse

from assistant.services import Services
from assistant.ui.app import serve


def main() -> int:
    parser = argparse.ArgumentParser(description="社组助手 Web UI")
    parser.add_argument("--ingest", action="store_true", help="ingest corpus/ before starting")
    args = parser.parse_args()
    services = Services()
    if args.ingest:
        print(services.ingest.run().summary(), flush=True)
    return serve(services)


if __name__ == "__main__":
    raise SystemExit(main())
