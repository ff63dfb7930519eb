"""Start the Gradio UI on settings.ui.host:port (default 127.0.0.1:7860).

``python ui.py [--ingest]``: with --ingest, first brings the index up to date with corpus/.
"""

import argparse

from assistant.services import Services
from assistant.ui.app import CSS, build_app


def main() -> None:
    parser = argparse.ArgumentParser(description="社组助手 Web UI")
    parser.add_argument("--ingest", action="store_true", help="ingest corpus/ before starting")
    args = parser.parse_args()
    services = Services()
    if args.ingest:
        print(services.ingest.run().summary(), flush=True)
    app = build_app(services)
    app.queue().launch(server_name=services.settings.ui.host, server_port=services.settings.ui.port, css=CSS,
                       show_error=True)


if __name__ == "__main__":
    main()
