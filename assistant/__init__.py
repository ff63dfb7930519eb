"""社组助手 — policy and filing assistant for Chinese social organizations."""

__version__ = "0.1.0"
