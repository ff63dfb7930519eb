"""One module per CLI command (see assistant/cli.py)."""
