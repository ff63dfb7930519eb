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

from assistant.kb.ocr_ink import _resize, has_colour, in_a_line_of_red_text, red_mask

WORK_WIDTH = 800  # pixels across the page while looking for seals
# Seal size relative to the page's shorter side (a 4 cm seal on A4 is ≈ 0.19).
MIN_SIZE, MAX_SIZE = 0.06, 0.45
MAX_ASPECT = 2.0  # oval seals are about 3:2
MAX_FILL = 0.6  # a seal is ink on an outline, not a solid block
MIN_OUTLINE_COVER = 0.75  # share of the outline's segments that hold red ink
MIN_OUTLINE_CONTRAST = 1.3  # outline band denser than the inside by this factor
PRESENT_SCORE = 0.7
# A square seal's frame: ink along this share of every side, in a band this deep (of the side),
# on a crop no longer than FRAME_ASPECT times its width.
MIN_FRAME_COVER, FRAME_BAND, FRAME_ASPECT = 0.85, 0.12, 1.3
MAX_FRAME_FILL = 0.8  # more ink than this is a solid block, not a frame with characters
# A seal touching a round seal: at least this share of the smallest seal size across, and its ink's
# convex hull filling this share of its minimum-area rectangle.
SECOND_SEAL_SIDE, SECOND_SEAL_SOLIDITY = 0.6, 0.8
# A round seal smaller than this (of the page's shorter side; ≈ 28 mm on A4) must stand alone:
# the characters of a red header are that size too, but come in a row.
SMALL_SEAL = 0.14
# A red region this much longer than wide (up to twice as much, and as wide as a seal) may be
# two seals that touch (looked for up to TOUCHING times the largest seal size).
TOUCHING_ASPECT, TOUCHING = 1.15, 1.8


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


def _frame_cover(region: np.ndarray) -> float:
    """How completely ink runs along all four sides of the crop (a square seal's frame): the
    smallest, over the sides, share of positions along the side with ink in its outer band.
    A name seal's characters fill its inside, so the outline-against-inside contrast of
    ``_outline_cover`` cannot see it; a round seal touches its box's sides only near their middles."""
    height, width = region.shape
    if max(width, height) > FRAME_ASPECT * min(width, height):
        return 0.0
    band_y, band_x = max(1, int(FRAME_BAND * height)), max(1, int(FRAME_BAND * width))
    sides = (region[:band_y].any(axis=0), region[-band_y:].any(axis=0),
             region[:, :band_x].any(axis=1), region[:, -band_x:].any(axis=1))
    return float(min(side.mean() for side in sides))


def _levelled(region: np.ndarray) -> np.ndarray:
    """The crop turned so that the ink's minimum-area rectangle stands upright (a seal stamped
    askew), cropped to the ink again."""
    import cv2

    ys, xs = np.nonzero(region)
    if len(xs) < 20:
        return region
    (cx, cy), _size, angle = cv2.minAreaRect(np.stack([xs, ys], axis=1).astype(np.float32))
    angle = (angle + 45) % 90 - 45  # the turn to the nearest upright position
    if abs(angle) < 2:
        return region
    height, width = region.shape
    side = int(np.hypot(width, height)) + 2
    matrix = cv2.getRotationMatrix2D((cx, cy), angle, 1.0)
    matrix[:, 2] += ((side - width) / 2, (side - height) / 2)
    turned = cv2.warpAffine(region.astype(np.uint8), matrix, (side, side), flags=cv2.INTER_NEAREST) > 0
    ys, xs = np.nonzero(turned)
    return turned[ys.min():ys.max() + 1, xs.min():xs.max() + 1] if len(xs) else region


def _classify_region(region: np.ndarray) -> tuple[float, str]:
    """Best (score, shape) of a red region's bounding-box crop."""
    height, width = region.shape
    fill = region.mean()
    if fill <= MAX_FRAME_FILL:  # a name seal's characters fill much of its inside
        frame = max(_frame_cover(region), _frame_cover(_levelled(region)))
        if frame >= MIN_FRAME_COVER:
            return frame, "square"
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
        if not (MIN_SIZE * short_side <= max(w, h) <= MAX_SIZE * TOUCHING * short_side):
            continue
        region = labels[y:y + h, x:x + w] == index
        found = []
        if max(w, h) <= MAX_SIZE * short_side and max(w, h) <= MAX_ASPECT * min(w, h):
            score, shape = _classify_region(region)
            found = [((0, 0, w, h), score, shape)] if score > 0 else []
        touching = (TOUCHING_ASPECT * min(w, h) <= max(w, h) <= 2 * TOUCHING_ASPECT * min(w, h)
                    and min(w, h) >= MIN_SIZE * short_side)
        if touching and not any(score >= 0.9 for _, score, _ in found):
            split = _touching_seals(region, MIN_SIZE * short_side)
            if split and (not found or split[0][1] > found[0][1] + 0.1):
                found = split
        if (max(w, h) < SMALL_SEAL * short_side and any(shape != "square" for _, _, shape in found)
                and in_a_line_of_red_text(index, stats, count)):
            continue
        for (bx0, by0, bx1, by1), score, shape in found:
            box = (int((x + bx0) / scale), int((y + by0) / scale), int((x + bx1) / scale), int((y + by1) / scale))
            seals.append(Seal(page=page, box=box, score=round(score, 3), shape=shape))
    return sorted(seals, key=lambda s: -s.score)


def _second_seal(ink: np.ndarray, min_size: float) -> tuple[tuple[int, int, int, int], float, str] | None:
    """What is left of a region once the round seal is taken out: another seal when it is a
    compact block of red ink as large as a seal (a name seal's frame and characters, part of it
    lost under the circle and perhaps stamped askew), not a thin arc of the circle's own ring."""
    import cv2

    ys, xs = np.nonzero(ink)
    if len(xs) < 20:
        return None
    points = np.stack([xs, ys], axis=1).astype(np.float32)
    _centre, (width, height), _angle = cv2.minAreaRect(points)
    if min(width, height) < SECOND_SEAL_SIDE * min_size or max(width, height) > FRAME_ASPECT * 1.3 * min(width, height):
        return None
    area = max(width * height, 1.0)
    solidity = cv2.contourArea(cv2.convexHull(points)) / area
    fill = len(xs) / area
    if solidity < SECOND_SEAL_SOLIDITY or not 0.15 <= fill <= MAX_FRAME_FILL:
        return None
    box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    return box, round(float(min(1.0, solidity)), 3), "square"


def _touching_seals(region: np.ndarray, min_size: float) -> list[tuple[tuple[int, int, int, int], float, str]]:
    """Two seals stamped so that they touch (a firm's round seal and its CPA's square name seal)
    make one red region that is neither. The round seal is found as the best square window of
    the region's shorter side; what is left outside its circle is classified on its own."""
    height, width = region.shape
    side = min(width, height)
    steps = [round(k * (width - side) / 4) for k in range(5)], [round(k * (height - side) / 4) for k in range(5)]
    best = None
    for x0 in sorted(set(steps[0])):
        for y0 in sorted(set(steps[1])):
            window = region[y0:y0 + side, x0:x0 + side]
            score, shape = _classify_region(window)
            if shape != "square" and (best is None or score > best[1]):
                best = ((x0, y0, x0 + side, y0 + side), score, shape)
    if best is None or best[1] < PRESENT_SCORE:
        return []
    (x0, y0, x1, y1), _, _ = best
    ys, xs = np.mgrid[0:height, 0:width]
    radius = side / 2
    outside = region & (np.hypot(xs - (x0 + x1) / 2, ys - (y0 + y1) / 2) > 1.08 * radius)
    found = [best]
    other = _second_seal(outside, min_size)
    if other is not None:
        found.append(other)
    return found


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
