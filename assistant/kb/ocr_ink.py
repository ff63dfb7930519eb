"""Ink that is not print: stamps and handwriting, kept from confusing the recogniser.

Scanned filings carry red stamps over their printed closing lines and signatures
written next to (and across) their labels. The recogniser reads either as
print and garbles the line underneath: on the eval scans "法定代表人（签字）：" under
a seal and a signature came back as "法定低责Mng". Two page-image steps keep
the printed text readable; neither changes the image later stages see (seal and
signature detection get the page as scanned):

* ``read_through_stamps``: inside stamp-sized red regions, reddish pixels are
  replaced by the paper colour scaled by their red channel. Red ink is bright in
  the red channel and black print stays dark there, so the print under a stamp
  survives while the stamp fades into the paper. Red regions that are long and
  thin (a red header line, a red rule) are left alone: they are print.
* ``without_large_strokes``: dark ink components larger than a printed
  character (pen strokes) removed from one text box, for a box much taller than
  the page's lines (a signature written across its label);
* ``without_light_ink``: ink much lighter than the print removed, within such a
  box and within a grey copy's seal (``grey_stamp_regions``), where no colour
  tells a seal from print.

The recogniser reads a tall box each way and the surer reading is kept.
"""

from __future__ import annotations

import numpy as np

WORK_WIDTH = 800  # pixels across the page while looking for stamps
# A stamp's size relative to the page's shorter side, and its largest aspect ratio; a stamp
# smaller than SMALL_STAMP (≈ 28 mm on A4) must stand alone (red header characters are that big).
MIN_STAMP, MAX_STAMP_ASPECT, SMALL_STAMP = 0.05, 2.2, 0.14
# A pixel is "reddish" (stamp ink, faint or strong) when red exceeds green and blue by this much.
REDDISH = 12
# Faint red ink: saturation down to this, where red exceeds green and blue by this much.
FAINT_SATURATION, FAINT_LEAD = 45, 30
# Ink lighter than this share of the way from the print's darkness to the paper is not print.
LIGHT_INK = 0.35


def _resize(image: np.ndarray, width: int) -> np.ndarray:
    import cv2

    scale = width / image.shape[1]
    if abs(scale - 1) < 1e-3:
        return image
    return cv2.resize(image, (width, max(1, int(round(image.shape[0] * scale)))), interpolation=cv2.INTER_AREA)


def has_colour(image: np.ndarray) -> bool:
    """Does the image carry colour at all? A grey copy has equal channels everywhere."""
    if image.ndim < 3 or image.shape[2] < 3:
        return False
    small = _resize(image, 400)[:, :, :3].astype(np.int16)
    spread = np.abs(small[:, :, 0] - small[:, :, 1]) + np.abs(small[:, :, 1] - small[:, :, 2])
    return float((spread > 4).mean()) > 0.0005


def red_mask(image: np.ndarray) -> np.ndarray:
    """Boolean mask of red-ink pixels of an RGB image (paper tint removed first)."""
    import cv2

    rgb = image[:, :, :3].astype(np.float32)
    paper = np.percentile(rgb[::4, ::4].reshape(-1, 3), 95, axis=0)  # a sample is enough for the tint
    gain = np.clip(255.0 / np.maximum(paper, 1.0), 1.0, 1.6)
    balanced = np.clip(rgb * gain, 0, 255).astype(np.uint8)
    hsv = cv2.cvtColor(balanced, cv2.COLOR_RGB2HSV)
    hue, saturation, value = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    # Faint or JPEG-washed stamp ink keeps its hue and red's lead over green and blue, not its
    # saturation: a weaker saturation counts where red leads clearly.
    channels = balanced.astype(np.int16)
    lead = channels[:, :, 0] - np.maximum(channels[:, :, 1], channels[:, :, 2])
    red_hue = (hue <= 12) | (hue >= 156)
    return red_hue & (value >= 70) & ((saturation >= 80) | ((saturation >= FAINT_SATURATION) & (lead >= FAINT_LEAD)))


def stamp_regions(image: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes (page pixels) of red regions the size and shape of a stamp."""
    import cv2

    if image.ndim < 3 or image.shape[2] < 3:
        return []
    small = _resize(image, WORK_WIDTH)
    scale = small.shape[1] / image.shape[1]
    mask = red_mask(small)
    if mask.mean() < 1e-4:
        return []
    kernel = max(3, int(round(0.008 * WORK_WIDTH)))
    closed = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((kernel, kernel), np.uint8))
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    short_side = min(small.shape[:2])
    boxes = []
    for index in range(1, count):
        x, y, w, h, _area = stats[index]
        if max(w, h) < MIN_STAMP * short_side or max(w, h) > MAX_STAMP_ASPECT * min(w, h):
            continue
        if max(w, h) < SMALL_STAMP * short_side and in_a_line_of_red_text(index, stats, count):
            continue  # a character of a red header
        pad = 2
        boxes.append((max(0, int((x - pad) / scale)), max(0, int((y - pad) / scale)),
                      min(image.shape[1], int((x + w + pad) / scale)), min(image.shape[0], int((y + h + pad) / scale))))
    return boxes


def grey_stamp_regions(image: np.ndarray) -> list[tuple[int, int, int, int]]:
    """On a page without colour: boxes of regions of mid-grey ink the size and shape of a stamp
    (a seal on a black-and-white copy prints grey, lighter than the print)."""
    import cv2

    small = _resize(image, WORK_WIDTH)
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY) if small.ndim == 3 else small
    # the print's darkness from its darkest pixels: a page may hold less print than seal ink
    paper, print_ = float(np.percentile(grey, 95)), float(np.percentile(grey, 0.05))
    span = max(paper - print_, 1.0)
    mid = (grey > print_ + LIGHT_INK * span) & (grey < paper - 0.2 * span)
    # print's own soft edges are mid-grey too: only mid-grey away from dark ink counts
    dark = cv2.dilate((grey <= print_ + LIGHT_INK * span).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    mid &= ~dark
    if mid.mean() < 1e-3:
        return []
    scale = small.shape[1] / image.shape[1]
    kernel = max(3, int(round(0.008 * WORK_WIDTH)))
    closed = cv2.morphologyEx(mid.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((kernel, kernel), np.uint8))
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    short_side = min(small.shape[:2])
    boxes = []
    for index in range(1, count):
        x, y, w, h, area = stats[index]
        if not MIN_STAMP * 2 * short_side <= max(w, h) <= 0.45 * short_side or max(w, h) > 1.6 * min(w, h):
            continue
        if area < 0.08 * w * h:  # a ring of ink, not a few specks
            continue
        boxes.append((max(0, int(x / scale)), max(0, int(y / scale)),
                      min(image.shape[1], int((x + w) / scale)), min(image.shape[0], int((y + h) / scale))))
    return boxes


def in_a_line_of_red_text(index: int, stats: np.ndarray, count: int) -> bool:
    """Is this small red region one character of a line of red text (a 红头 header)? Its
    neighbour on the same line is about as tall and close by; a stamp stands alone.
    ``stats``: cv2.connectedComponentsWithStats rows (x, y, w, h, area)."""
    x, y, w, h = stats[index][:4]
    for other in range(1, count):
        if other == index:
            continue
        ox, oy, ow, oh = stats[other][:4]
        overlap = min(y + h, oy + oh) - max(y, oy)
        gap = max(ox - (x + w), x - (ox + ow))
        if overlap >= 0.5 * min(h, oh) and 0.6 * h <= oh <= 1.6 * h and gap <= 0.6 * w:
            return True
    return False


def read_through_stamps(image: np.ndarray, colour: bool = True) -> np.ndarray:
    """The page with its stamps faded into the paper and the print under them kept (a copy
    when anything changed). ``colour`` False: a grey copy, whose seals are lighter than print."""
    if not colour:
        boxes = grey_stamp_regions(image)
        if not boxes:
            return image
        out = image.copy()
        for x0, y0, x1, y1 in boxes:
            out[y0:y1, x0:x1] = without_light_ink(out[y0:y1, x0:x1])
        return out
    boxes = stamp_regions(image)
    if not boxes:
        return image
    out = image.copy()
    for x0, y0, x1, y1 in boxes:
        region = out[y0:y1, x0:x1]
        channels = region.astype(np.int16)
        reddish = channels[:, :, 0] - np.maximum(channels[:, :, 1], channels[:, :, 2]) > REDDISH
        plain = ~reddish
        if reddish.sum() == 0:
            continue
        red = region[:, :, 0].astype(np.float32)
        strong = red_mask(region)
        # The red channel of the stamp's own ink: scaled to the paper's brightness.
        ink = float(np.percentile(red[strong], 50)) if strong.sum() > 20 else 200.0
        paper = (np.percentile(region[plain].reshape(-1, 3), 90, axis=0).astype(np.float32)
                 if plain.sum() > 50 else np.full(3, 255.0, np.float32))
        ratio = np.clip(red / max(ink, 100.0), 0.0, 1.0)
        faded = (ratio[:, :, None] * paper[None, None, :]).astype(np.uint8)
        region[reddish] = faded[reddish]
    return out


def without_large_strokes(crop: np.ndarray, char_height: float) -> tuple[np.ndarray, int]:
    """The crop with dark ink components larger than 1.5 printed characters painted over in
    the paper colour, and how many there were (0: the crop is returned as it was)."""
    import cv2

    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY) if crop.ndim == 3 else crop
    paper = float(np.percentile(grey, 90))
    ink = (grey < min(160.0, paper * 0.7)).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    limit = 1.5 * char_height
    large = [i for i in range(1, count)
             if max(stats[i, cv2.CC_STAT_WIDTH], stats[i, cv2.CC_STAT_HEIGHT]) > limit]
    if not large:
        return crop, 0
    strokes = cv2.dilate(np.isin(labels, large).astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    out = crop.copy()
    out[strokes] = np.percentile(crop.reshape(-1, crop.shape[-1]) if crop.ndim == 3 else crop.reshape(-1), 90, axis=0)
    return out, len(large)


def without_light_ink(crop: np.ndarray) -> np.ndarray:
    """The crop with ink much lighter than its print painted over in the paper colour.

    On a grey copy a seal's ink is mid-grey where print is near black; where no colour
    tells them apart, darkness still does within one line of text or one seal's area."""
    import cv2

    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY) if crop.ndim == 3 else crop
    paper, print_ = float(np.percentile(grey, 90)), float(np.percentile(grey, 2))
    light = grey > print_ + LIGHT_INK * (paper - print_)
    out = crop.copy()
    out[light] = np.percentile(crop.reshape(-1, crop.shape[-1]) if crop.ndim == 3 else crop.reshape(-1), 90, axis=0)
    return out
