"""Build or update the knowledge base: ``python ingest.py [PATH ...] [--rebuild] [--prune]``.

A thin entry point over ``assistant.kb.ingest.IngestService`` (see assistant/commands/ingest.py).
"""

import sys

from assistant.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["ingest", *sys.argv[1:]]))
