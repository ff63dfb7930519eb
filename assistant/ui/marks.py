"""Text marks for results shown in the UI, instead of emoji.

Emoji (check marks, crosses, warning signs) render as empty boxes where no colour-emoji font is installed (Debian's
chromium with only the CJK fonts); a bracketed word reads the same everywhere and says more.
tests/ui/test_no_emoji.py keeps every emoji out of the UI sources and the app's config.
"""

PASSED = "【通过】"
FAILED = "【不符合】"
CAUTION = "【注意】"
ERROR = "【出错】"
NOTE = "【说明】"
