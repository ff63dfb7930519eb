"""Which characters count as emoji for the UI tests: those that need a colour-emoji font.

Unicode's emoji (emoji-data.txt, Emoji=Yes) that Debian's CJK and DejaVu fonts do not draw as
text: the pictographs planes, the BMP symbols with an emoji presentation (✅ ❌ ⭐ ⚠ ℹ …), and
the variation selector U+FE0F that asks for one. Arrows (→), check marks drawn by text fonts
(✓ ✗), stars (★ ☆) and shapes (○ ▌) are not emoji here: every CJK font has them.
"""

from __future__ import annotations

import re

_BMP = ("\u231a\u231b\u2328\u23cf\u23e9-\u23f3\u23f8-\u23fa\u24c2\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe"
        "\u2600-\u2604\u260e\u2611\u2614\u2615\u2618\u261d\u2620\u2622\u2623\u2626\u262a\u262e\u262f"
        "\u2638-\u263a\u2640\u2642\u2648-\u2653\u265f\u2660\u2663\u2665\u2666\u2668\u267b\u267e\u267f"
        "\u2692-\u2697\u2699\u269b\u269c\u26a0\u26a1\u26a7\u26aa\u26ab\u26b0\u26b1\u26bd\u26be\u26c4\u26c5"
        "\u26c8\u26ce\u26cf\u26d1\u26d3\u26d4\u26e9\u26ea\u26f0-\u26f5\u26f7-\u26fa\u26fd"
        "\u2702\u2705\u2708-\u270d\u270f\u2712\u2714\u2716\u271d\u2721\u2728\u2733\u2734\u2744\u2747"
        "\u274c\u274e\u2753-\u2755\u2757\u2763\u2764\u2795-\u2797\u27a1\u27b0\u27bf\u2934\u2935"
        "\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55\u2139\ufe0f\u200d")
EMOJI_RE = re.compile(f"[{_BMP}\U0001f000-\U0001faff]")


def emoji_in(text: str) -> list[str]:
    """Each emoji in ``text`` with a few characters around it, to say where it is."""
    return [repr(text[max(0, m.start() - 12):m.end() + 12]) for m in EMOJI_RE.finditer(text)]
