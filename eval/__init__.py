"""Quality evaluations: `python -m eval retrieval|qa|drafting|checking|filling`."""
