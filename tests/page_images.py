"""Synthetic scans for the OCR, seal and signature tests (and benchmarks/bench_ocr.py).

Pages are drawn with Pillow in the system Noto CJK font at a given dpi, then
degraded the way scanners and phones degrade them (noise, blur, skew, a colour
cast), stamped with red seals or signed with pen strokes. Nothing here is a
fixture file: every image is made from text at test time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
SANS = FONT_DIR / "NotoSansCJK-Regular.ttc"
SERIF = FONT_DIR / "NotoSerifCJK-Regular.ttc"
SC_FACE = 2  # the Simplified Chinese face in the Noto CJK collections
A4_INCHES = (8.27, 11.69)
SEAL_RED = (214, 38, 50)


def require_ocr() -> None:
    """Skip without the OCR packages, except in CI, where their absence is a missing install step."""
    import os

    from assistant.kb.ocr import ocr_available

    if not ocr_available():
        message = "rapidocr-onnxruntime / pypdfium2 not installed (make install puts them in .venv)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@lru_cache(maxsize=64)
def cjk_font(size: int, serif: bool = False):
    from PIL import ImageFont

    path = SERIF if serif and SERIF.exists() else SANS
    if not path.exists():
        pytest.skip(f"CJK font {path} not installed (Debian fonts-noto-cjk)")
    return ImageFont.truetype(str(path), size, index=SC_FACE)


@dataclass
class DrawnLine:
    """Where a line of text was drawn: its text and box (x0, y0, x1, y1)."""

    text: str
    box: tuple[int, int, int, int]


@dataclass
class Page:
    image: np.ndarray  # RGB
    dpi: int
    lines: list[DrawnLine] = field(default_factory=list)


def render_page(paragraphs: list[str], dpi: int = 200, pt: float = 12, margin_in: float = 1.0,
                serif: bool = True, indent: bool = False, colour: tuple[int, int, int] = (0, 0, 0),
                spacing: float = 1.6, size_in: tuple[float, float] = A4_INCHES) -> Page:
    """An A4 page with the paragraphs wrapped to the text width (an empty string = a blank line)."""
    from PIL import Image, ImageDraw

    width, height = int(size_in[0] * dpi), int(size_in[1] * dpi)
    picture = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(picture)
    px = int(round(pt / 72 * dpi))
    font = cjk_font(px, serif)
    margin = int(margin_in * dpi)
    y = margin
    drawn = []
    for paragraph in paragraphs:
        if not paragraph.strip():
            y += px // 2
            continue
        line, x_start = "", margin + (2 * px if indent else 0)
        for ch in paragraph:
            if draw.textlength(line + ch, font=font) > width - margin - x_start:
                drawn.append(_draw(draw, x_start, y, line, font, colour))
                y += int(px * spacing)
                line, x_start = ch, margin
            else:
                line += ch
        if line:
            drawn.append(_draw(draw, x_start, y, line, font, colour))
            y += int(px * spacing)
        if y > height - margin:
            break
    return Page(np.asarray(picture).copy(), dpi, drawn)


def _draw(draw, x: int, y: int, text: str, font, colour) -> DrawnLine:
    draw.text((x, y), text, font=font, fill=colour)
    x0, y0, x1, y1 = draw.textbbox((x, y), text, font=font)
    return DrawnLine(text, (int(x0), int(y0), int(x1), int(y1)))


def draw_text(image: np.ndarray, x: int, y: int, text: str, px: int, colour=(0, 0, 0), serif=True) -> DrawnLine:
    """Draw one line onto an image in place; returns where it went."""
    from PIL import Image, ImageDraw

    picture = Image.fromarray(image)
    drawn = _draw(ImageDraw.Draw(picture), x, y, text, cjk_font(px, serif), colour)
    image[:] = np.asarray(picture)
    return drawn


# --- degradations ------------------------------------------------------------------

def add_noise(image: np.ndarray, sigma: float, seed: int = 0, colour: bool = True) -> np.ndarray:
    """Gaussian sensor noise; ``colour`` = independent per channel (a colour scan)."""
    rng = np.random.default_rng(seed)
    shape = image.shape if colour else image.shape[:2] + (1,)
    noisy = image.astype(np.float32) + rng.standard_normal(shape, dtype=np.float32) * sigma
    return np.clip(noisy, 0, 255).astype(np.uint8)


def blur(image: np.ndarray, radius: float) -> np.ndarray:
    import cv2

    return cv2.GaussianBlur(image, (0, 0), radius)


def rotate(image: np.ndarray, angle: float) -> np.ndarray:
    """Rotate counter-clockwise by ``angle`` degrees about the centre, white fill."""
    import cv2

    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))


def colour_scan(image: np.ndarray, seed: int = 0, sigma: float = 4) -> np.ndarray:
    """A colour scan: off-white paper, a little blur and sensor noise in each channel."""
    paper = np.array([0.97, 0.96, 0.93], dtype=np.float32)
    tinted = np.clip(image.astype(np.float32) * paper, 0, 255).astype(np.uint8)
    return add_noise(blur(tinted, 0.6), sigma, seed)


def photographed(image: np.ndarray, seed: int = 0) -> np.ndarray:
    """A phone photo of the page: warm colour cast, uneven light, slight blur and noise."""
    h, w = image.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 0.82 + 0.18 * (1 - ((xx / w - 0.3) ** 2 + (yy / h - 0.2) ** 2))
    cast = np.array([1.0, 0.93, 0.80], dtype=np.float32)
    lit = image.astype(np.float32) * light[:, :, None] * cast
    return add_noise(blur(np.clip(lit, 0, 255).astype(np.uint8), 0.8), 4, seed)


def grey_copy(image: np.ndarray) -> np.ndarray:
    """A black-and-white photocopy: grey levels only, in an RGB array."""
    import cv2

    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    return np.repeat(grey[:, :, None], 3, axis=2)


# --- seals and signatures -------------------------------------------------------------

def _ink(image: np.ndarray, mask: np.ndarray, colour, seed: int, dropout: float) -> None:
    """Multiply-blend ink of ``colour`` into the image where ``mask`` is set (stamps are patchy)."""
    rng = np.random.default_rng(seed)
    keep = mask & (rng.random(mask.shape) > dropout)
    tint = np.asarray(colour, dtype=np.float32) / 255.0
    region = image[keep].astype(np.float32) * tint
    image[keep] = np.clip(region, 0, 255).astype(np.uint8)


def stamp_seal(image: np.ndarray, centre: tuple[int, int], size_px: int, shape: str = "round",
               text: str = "某某市某某协会", seed: int = 0, colour=SEAL_RED) -> tuple[int, int, int, int]:
    """Stamp a red seal (ring, star or frame, text) in place; returns its box."""
    import cv2

    h, w = image.shape[:2]
    mask = np.zeros((h, w), np.uint8)
    cx, cy = centre
    ring = max(3, size_px // 28)
    if shape == "square":
        half = size_px // 2
        cv2.rectangle(mask, (cx - half, cy - half), (cx + half, cy + half), 255, ring)
        box = (cx - half, cy - half, cx + half, cy + half)
        _glyphs(mask, text[:4], (cx - half // 2, cy - half // 2), half, grid=True)
    else:
        rx = size_px // 2
        ry = rx if shape == "round" else int(rx * 0.68)
        cv2.ellipse(mask, (cx, cy), (rx, ry), 0, 0, 360, 255, ring)
        box = (cx - rx, cy - ry, cx + rx, cy + ry)
        star = [(cx + int(0.22 * rx * math.cos(math.pi / 2 + k * 4 * math.pi / 5)),
                 cy - int(0.22 * rx * math.sin(math.pi / 2 + k * 4 * math.pi / 5))) for k in range(5)]
        cv2.fillPoly(mask, [np.array(star, np.int32)], 255)
        _arc_text(mask, text, (cx, cy), int(rx * 0.72), int(ry * 0.72), max(8, size_px // 9))
    _ink(image, mask > 0, colour, seed, dropout=0.12)
    return box


def _glyphs(mask: np.ndarray, text: str, origin: tuple[int, int], size: int, grid: bool) -> None:
    from PIL import Image, ImageDraw

    picture = Image.fromarray(mask)
    draw = ImageDraw.Draw(picture)
    font = cjk_font(max(8, size // 2), serif=False)
    x, y = origin
    for k, ch in enumerate(text):
        draw.text((x + (k % 2) * size // 2, y + (k // 2) * size // 2), ch, font=font, fill=255)
    mask[:] = np.asarray(picture)


def _arc_text(mask: np.ndarray, text: str, centre, rx: int, ry: int, px: int) -> None:
    """Characters along the upper arc, each turned to face the centre, as seals have them."""
    from PIL import Image, ImageDraw

    font = cjk_font(px, serif=False)
    span = math.radians(220)
    for k, ch in enumerate(text):
        theta = math.pi / 2 + span / 2 - span * (k + 0.5) / len(text)
        glyph = Image.new("L", (px * 2, px * 2), 0)
        ImageDraw.Draw(glyph).text((px // 2, px // 3), ch, font=font, fill=255)
        glyph = glyph.rotate(math.degrees(theta - math.pi / 2), expand=False)
        gx = int(centre[0] + rx * math.cos(theta)) - px
        gy = int(centre[1] - ry * math.sin(theta)) - px
        g = np.asarray(glyph)
        y0, x0 = max(gy, 0), max(gx, 0)
        y1, x1 = min(gy + g.shape[0], mask.shape[0]), min(gx + g.shape[1], mask.shape[1])
        if y1 > y0 and x1 > x0:
            mask[y0:y1, x0:x1] = np.maximum(mask[y0:y1, x0:x1], g[y0 - gy:y1 - gy, x0 - gx:x1 - gx])


def sign(image: np.ndarray, box: tuple[int, int, int, int], seed: int = 0, colour=(20, 30, 90),
         thickness: int = 3, strokes: int = 3) -> None:
    """Scribble a handwritten-looking signature inside ``box`` in place: a few looping,
    left-to-right pen strokes (pen lifted between them)."""
    import cv2

    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = box
    share = (x1 - x0) / strokes
    for k in range(strokes):
        t = np.linspace(0, 1, 120)
        loops = rng.uniform(1.5, 3.5)
        xs = x0 + share * (k + 0.1 + 0.9 * t) + 0.12 * share * np.sin(2 * np.pi * loops * t)
        ys = (y0 + y1) / 2 + 0.42 * (y1 - y0) * np.sin(2 * np.pi * loops * t + rng.uniform(0, np.pi)) \
            * (0.6 + 0.4 * np.sin(np.pi * t))
        polyline = np.stack([xs, ys], axis=1).astype(np.int32)
        cv2.polylines(image, [polyline], False, colour, thickness, lineType=cv2.LINE_AA)


# --- files -------------------------------------------------------------------------------

def save_image_pdf(images: list[np.ndarray], path: Path, dpi: int = 200) -> Path:
    """A PDF whose pages are just these images (what a scanner writes): no text layer."""
    from PIL import Image

    pictures = [Image.fromarray(image) for image in images]
    pictures[0].save(path, "PDF", resolution=float(dpi), save_all=True, append_images=pictures[1:])
    return path
