"""Red seals (印章) on a page image: found by colour and shape, no model.

A seal is a ring of red ink: round (公章), oval (财务专用章) or square (名章),
a few centimetres across. On a page scaled to a fixed working width:

1. colour: the paper's tint is divided out (photos under warm light), then pixels
   in the two red hue bands of HSV with enough saturation are the red mask;
2. the mask is closed a little, so that a ring broken where it crosses black
   text is whole again, and split into connected regions;
3. a region is a seal when its size is plausible for the page, it is not a solid
   blob, and its red pixels run all the way round its outline (ellipse or
   rectangle) with the band along the outline denser than the inside. Red text
   and red rules fail the last test: a line of characters has no outline of ink.

A page without colour information (a grey or black-and-white copy) cannot show
a red seal: the report says ``unknown`` rather than ``absent``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

WORK_WIDTH = 800  # pixels across the page while looking for seals
# Seal size relative to the page's shorter side (a 4 cm seal on A4 is ≈ 0.19).
MIN_SIZE, MAX_SIZE = 0.06, 0.45
MAX_ASPECT = 2.0  # oval seals are about 3:2
MAX_FILL = 0.6  # a seal is ink on an outline, not a solid block
MIN_OUTLINE_COVER = 0.75  # share of the outline's segments that hold red ink
MIN_OUTLINE_CONTRAST = 1.3  # outline band denser than the inside by this factor
PRESENT_SCORE = 0.7


@dataclass
class Seal:
    page: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels of the image given
    score: float  # 0..1: how completely red ink follows the outline
    shape: Literal["round", "oval", "square"]


@dataclass
class SealReport:
    page: int
    status: Literal["present", "absent", "unknown"]
    seals: list[Seal] = field(default_factory=list)
    colour: bool = True  # False: the page has no colour information (grey copy)
    note_zh: str = ""
    note_en: str = ""


def has_colour(image: np.ndarray) -> bool:
    """Does the image carry colour at all? A grey copy has equal channels everywhere."""
    if image.ndim < 3 or image.shape[2] < 3:
        return False
    small = _resize(image, 400)[:, :, :3].astype(np.int16)
    spread = np.abs(small[:, :, 0] - small[:, :, 1]) + np.abs(small[:, :, 1] - small[:, :, 2])
    return float((spread > 4).mean()) > 0.0005


def _resize(image: np.ndarray, width: int) -> np.ndarray:
    import cv2

    scale = width / image.shape[1]
    if abs(scale - 1) < 1e-3:
        return image
    return cv2.resize(image, (width, max(1, int(round(image.shape[0] * scale)))), interpolation=cv2.INTER_AREA)


def red_mask(image: np.ndarray) -> np.ndarray:
    """Boolean mask of red-ink pixels of an RGB image (paper tint removed first)."""
    import cv2

    rgb = image[:, :, :3].astype(np.float32)
    paper = np.percentile(rgb[::4, ::4].reshape(-1, 3), 95, axis=0)  # a sample is enough for the tint
    gain = np.clip(255.0 / np.maximum(paper, 1.0), 1.0, 1.6)
    balanced = np.clip(rgb * gain, 0, 255).astype(np.uint8)
    hsv = cv2.cvtColor(balanced, cv2.COLOR_RGB2HSV)
    hue, saturation, value = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    return ((hue <= 12) | (hue >= 156)) & (saturation >= 80) & (value >= 70)


def _outline_cover(region: np.ndarray, shape: str) -> tuple[float, float]:
    """(share of outline segments holding ink, outline-band density / inside density)."""
    height, width = region.shape
    ys, xs = np.nonzero(region)
    if len(xs) == 0:
        return 0.0, 0.0
    cx, cy = (width - 1) / 2, (height - 1) / 2
    segments = 48
    if shape == "square":
        # distance from the border in units of the half-size; position along the border
        dx, dy = np.abs(xs - cx) / (width / 2), np.abs(ys - cy) / (height / 2)
        radius = np.maximum(dx, dy)
        angle = np.arctan2(ys - cy, xs - cx)
    else:
        radius = np.hypot((xs - cx) / (width / 2), (ys - cy) / (height / 2))
        angle = np.arctan2((ys - cy) / height, (xs - cx) / width)
    on_outline = (radius >= 0.78) & (radius <= 1.05)
    bins = ((angle[on_outline] + math.pi) / (2 * math.pi) * segments).astype(int) % segments
    cover = len(set(bins.tolist())) / segments
    # densities per unit of (normalised) area: outline band 0.78–1.0, inside 0–0.6
    band_area = 1.0 - 0.78 ** 2
    inside_area = 0.6 ** 2
    band = on_outline.sum() / band_area
    inside = (radius < 0.6).sum() / inside_area
    contrast = band / max(inside, 1.0)
    return cover, float(contrast)


def _classify_region(region: np.ndarray) -> tuple[float, str]:
    """Best (score, shape) of a red region's bounding-box crop."""
    height, width = region.shape
    fill = region.mean()
    if fill > MAX_FILL:
        return 0.0, "round"
    best = (0.0, "round")
    for shape in ("round", "square"):
        cover, contrast = _outline_cover(region, shape)
        if contrast < MIN_OUTLINE_CONTRAST:
            continue
        score = cover * min(1.0, contrast / (2 * MIN_OUTLINE_CONTRAST))
        if score > best[0]:
            aspect = max(width, height) / max(1, min(width, height))
            name = "square" if shape == "square" else ("oval" if aspect > 1.2 else "round")
            best = (score if cover >= MIN_OUTLINE_COVER else min(score, PRESENT_SCORE - 0.01), name)
    return best


def find_seals(image: np.ndarray, page: int = 1) -> list[Seal]:
    """Red seals on an RGB page image, best first."""
    import cv2

    scale = WORK_WIDTH / image.shape[1]
    small = _resize(image, WORK_WIDTH)
    mask = red_mask(small)
    short_side = min(small.shape[:2])
    kernel = max(3, int(round(0.008 * WORK_WIDTH)))
    closed = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((kernel, kernel), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    seals = []
    for index in range(1, count):
        x, y, w, h, _area = stats[index]
        if not (MIN_SIZE * short_side <= max(w, h) <= MAX_SIZE * short_side):
            continue
        if max(w, h) > MAX_ASPECT * min(w, h):
            continue
        score, shape = _classify_region(labels[y:y + h, x:x + w] == index)
        if score <= 0:
            continue
        box = (int(x / scale), int(y / scale), int((x + w) / scale), int((y + h) / scale))
        seals.append(Seal(page=page, box=box, score=round(score, 3), shape=shape))
    return sorted(seals, key=lambda s: -s.score)


def detect_seals(image: np.ndarray, page: int = 1, colour: bool | None = None) -> SealReport:
    """Is there a red seal on the page? ``colour``: whether the image can show colour
    (None = judge from the pixels; pass True for a rendered colour PDF page)."""
    colour = has_colour(image) if colour is None else colour
    seals = [s for s in find_seals(image, page) if s.score >= PRESENT_SCORE] if colour else []
    if not colour:
        return SealReport(page, "unknown", [], colour=False,
                          note_zh="页面没有颜色信息（黑白或灰度复印件），无法判断是否加盖红色印章，请核对原件",
                          note_en="the page has no colour (a black-and-white or grey copy): a red seal cannot be "
                                  "seen on it; check the original")
    if seals:
        return SealReport(page, "present", seals)
    return SealReport(page, "absent", [], note_zh="页面上未发现红色印章", note_en="no red seal found on the page")
