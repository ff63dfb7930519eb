"""Filings as staff receive them: packages bundled into one document."""
