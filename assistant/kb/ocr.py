"""OCR stage: page images → recognised, located text (offline).

Models: the PP-OCR detection, direction-classifier and recognition ONNX files
that ship inside the ``rapidocr-onnxruntime`` wheel, run with onnxruntime; PDF
pages are rendered with ``pypdfium2``. Nothing is downloaded: the model paths
are files of the installed package and ``OcrEngine`` refuses to start when they
are missing.

``OcrEngine.run(image, page)`` reads one page:

1. detect text boxes on the page scaled to ``det_max_side``;
2. straighten: a page whose boxes are mostly tall is turned by 90°/270°, one whose
   lines the direction classifier reads as upside down by 180° (detection runs
   again on the turned page); small skew is measured from the angle of the long
   boxes and corrected by rotating page and boxes together;
3. recognise each box, one line per call (no padding to the widest line of a
   batch: measured faster on two cores);
4. lay the boxes out as lines, paragraphs and table rows (``ocr_layout``).

The page image the lines refer to (straightened) can be passed on to later
stages (seal and signature detection) through the loader's ``on_page`` hook.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.kb.ocr_ink import has_colour, read_through_stamps, without_large_strokes, without_light_ink
from assistant.kb.ocr_layout import OcrLine, TextBox, layout_page

if TYPE_CHECKING:
    from assistant.settings import OCRSettings

MODEL_FILES = {
    "det": "ch_PP-OCRv4_det_infer.onnx",
    "cls": "ch_ppocr_mobile_v2.0_cls_infer.onnx",
    "rec": "ch_PP-OCRv4_rec_infer.onnx",
}
# The direction classifier judges this many of a page's longest lines.
ORIENTATION_SAMPLE = 12
# A box is "long" (usable for orientation and skew) when one side is this many times the other.
LONG_BOX = 2.5
# Skew below this many degrees is left alone (rotating costs time and blurs a little).
MIN_SKEW = 0.2
# A box this many times taller than the page's usual line may hold pen strokes as well as
# print; it is read again without them (printed characters are CHAR_SHARE of
# a line box's height; the cleaned crop is padded by STROKE_PAD pixels for detection).
TALL_BOX = 1.5
CHAR_SHARE = 0.7
STROKE_PAD = 16


class OcrUnavailable(RuntimeError):
    """The OCR packages or their model files are not installed."""


@dataclass
class OcrPage:
    """One page read by OCR. Boxes refer to the straightened page image."""

    number: int
    width: int
    height: int
    dpi: int
    rotation: int  # degrees the page was turned clockwise to stand upright: 0/90/180/270
    skew: float  # degrees of skew corrected (counter-clockwise positive)
    text: str
    lines: list[OcrLine] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    # Whether the scan was stored in colour (False: a grey or black-and-white image, on which a
    # red seal cannot be told from print; None: not known). Set by the loader from the file.
    colour: bool | None = None

    @property
    def mean_confidence(self) -> float:
        return float(np.mean([line.confidence for line in self.lines])) if self.lines else 0.0

    @property
    def low_confidence_lines(self) -> int:
        return sum(line.low_confidence for line in self.lines)


def model_dir() -> Path:
    """The model folder inside the installed rapidocr-onnxruntime package."""
    try:
        import rapidocr_onnxruntime
    except ImportError as exc:  # cv2 missing counts too
        raise OcrUnavailable(f"rapidocr-onnxruntime is not importable ({exc})") from exc
    return Path(rapidocr_onnxruntime.__file__).resolve().parent / "models"


def ocr_available() -> bool:
    try:
        folder = model_dir()
        import onnxruntime  # noqa: F401
        import pypdfium2  # noqa: F401
    except (OcrUnavailable, ImportError):
        return False
    return all((folder / name).is_file() for name in MODEL_FILES.values())


# --- geometry -------------------------------------------------------------------

def _order_quad(points: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    by_x = points[np.argsort(points[:, 0])]
    left, right = by_x[:2], by_x[2:]
    tl, bl = left[np.argsort(left[:, 1])]
    tr, br = right[np.argsort(right[:, 1])]
    return np.array([tl, tr, br, bl], dtype=np.float32)


def _quad_sides(quad: np.ndarray) -> tuple[float, float]:
    width = float(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[3] - quad[2])))
    height = float(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2])))
    return width, height


def rotate_right_angle(image: np.ndarray, rotation: int) -> np.ndarray:
    """Turn an image clockwise by 0/90/180/270 degrees."""
    import cv2

    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return image if rotation % 360 == 0 else cv2.rotate(image, codes[rotation % 360])


def _skew_matrix(width: int, height: int, angle: float) -> np.ndarray:
    import cv2

    return cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)


def deskew(image: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by ``angle`` degrees (counter-clockwise positive) about the centre, white fill."""
    import cv2

    if abs(angle) < 1e-6:
        return image
    height, width = image.shape[:2]
    return cv2.warpAffine(image, _skew_matrix(width, height, angle), (width, height),
                          flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))


def straighten(image: np.ndarray, rotation: int, skew: float) -> np.ndarray:
    """The page image as ``OcrPage`` boxes refer to it (same turn and skew correction)."""
    return deskew(rotate_right_angle(image, rotation), skew)


def _crop(image: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The box's text as an upright strip (tall boxes turned counter-clockwise)."""
    import cv2

    width, height = _quad_sides(quad)
    width, height = max(int(width), 1), max(int(height), 1)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    strip = cv2.warpPerspective(image, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE,
                                flags=cv2.INTER_CUBIC)
    if height >= 1.5 * width:
        strip = np.rot90(strip)
    return strip


def _chunks(strip: np.ndarray) -> list[np.ndarray]:
    """Pieces of a strip about four characters wide (its start and its middle).

    The direction classifier squeezes its input to 4:1; a whole 30-character line
    squeezed that far is read as upside down about half the time, a piece of it
    never was in our measurements.
    """
    height, width = strip.shape[:2]
    piece = 4 * height
    chunks = [strip[:, :piece]]
    if width > 3 * piece:
        middle = width // 2
        chunks.append(strip[:, middle - piece // 2: middle + piece // 2])
    return chunks


# --- the engine -------------------------------------------------------------------

class OcrEngine:
    """Offline OCR of page images (one component, one ``run``)."""

    def __init__(self, settings: "OCRSettings"):
        self.settings = settings
        folder = model_dir()
        missing = [name for name in MODEL_FILES.values() if not (folder / name).is_file()]
        if missing:
            raise OcrUnavailable(f"model files missing from {folder}: {', '.join(missing)}")
        import onnxruntime as ort
        from rapidocr_onnxruntime.ch_ppocr_cls.utils import ClsPostProcess
        from rapidocr_onnxruntime.ch_ppocr_det.utils import DBPostProcess, DetPreProcess
        from rapidocr_onnxruntime.ch_ppocr_rec.utils import CTCLabelDecode

        def session(name: str) -> "ort.InferenceSession":
            options = ort.SessionOptions()
            options.intra_op_num_threads = max(1, settings.threads)
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            # No memory arena: ~180 MB less peak RSS for ~2% more time (benchmarks/bench_ocr.py);
            # line strips of every width would otherwise each grow the arena.
            options.enable_cpu_mem_arena = False
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            return ort.InferenceSession(str(folder / MODEL_FILES[name]), options,
                                        providers=["CPUExecutionProvider"])

        self._det = session("det")
        self._cls = session("cls")
        self._rec = session("rec")
        self._det_pre = DetPreProcess(settings.det_max_side, "max", [0.5, 0.5, 0.5], [0.5, 0.5, 0.5])
        self._det_post = DBPostProcess(thresh=0.3, box_thresh=0.5, max_candidates=1000, unclip_ratio=1.6,
                                       use_dilation=True, score_mode="fast")
        self._cls_post = ClsPostProcess(["0", "180"])
        characters = self._rec.get_modelmeta().custom_metadata_map["character"].splitlines()
        self._decode = CTCLabelDecode(character=characters)
        self._lock = threading.Lock()  # sessions are shared; one page at a time

    # -- models ----------------------------------------------------------------
    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        """Text boxes (quads, page pixels) on an RGB page image."""
        height, width = image.shape[:2]
        tensor = self._det_pre(image[:, :, ::-1])  # the models were trained on BGR
        if tensor is None:
            return []
        prediction = self._det.run(None, {self._det.get_inputs()[0].name: tensor})[0]
        quads, _scores = self._det_post(prediction, (height, width))
        out = []
        for quad in quads:
            quad = _order_quad(np.asarray(quad, dtype=np.float32))
            quad[:, 0] = np.clip(quad[:, 0], 0, width - 1)
            quad[:, 1] = np.clip(quad[:, 1], 0, height - 1)
            w, h = _quad_sides(quad)
            if w > 3 and h > 3:
                out.append(quad)
        return out

    def classify(self, strips: list[np.ndarray]) -> list[tuple[str, float]]:
        """'0' or '180' with its probability for each text strip."""
        import cv2

        out = []
        for strip in strips:
            h, w = strip.shape[:2]
            resized_w = min(192, max(1, int(math.ceil(48 * w / h))))
            x = cv2.resize(strip[:, :, ::-1], (resized_w, 48)).astype(np.float32).transpose(2, 0, 1) / 255
            tensor = np.zeros((1, 3, 48, 192), dtype=np.float32)
            tensor[0, :, :, :resized_w] = (x - 0.5) / 0.5
            probabilities = self._cls.run(None, {self._cls.get_inputs()[0].name: tensor})[0]
            label, score = self._cls_post(probabilities)[0]
            out.append((label, float(score)))
        return out

    def recognise(self, strips: list[np.ndarray]) -> list[tuple[str, float]]:
        """Text and confidence for each strip, one strip per model call."""
        import cv2

        height = self.settings.rec_height
        out = []
        name = self._rec.get_inputs()[0].name
        for strip in strips:
            h, w = strip.shape[:2]
            width = max(height, int(math.ceil(height * w / max(h, 1))))
            x = cv2.resize(strip[:, :, ::-1], (width, height)).astype(np.float32).transpose(2, 0, 1) / 255
            prediction = self._rec.run(None, {name: ((x - 0.5) / 0.5)[None]})[0]
            text, score = self._decode(prediction, False, wh_ratio_list=[width / height],
                                       max_wh_ratio=width / height)[0][:2]
            out.append((text, float(score) if text else 0.0))
        return out

    # -- straightening -------------------------------------------------------------
    def orientation(self, image: np.ndarray, quads: list[np.ndarray]) -> int:
        """Clockwise turn (0/90/180/270) that puts the page's text upright."""
        long_boxes = []
        wide_weight = tall_weight = 0.0
        for quad in quads:
            w, h = _quad_sides(quad)
            if max(w, h) >= LONG_BOX * min(w, h):
                long_boxes.append((max(w, h), quad))
                if w >= h:
                    wide_weight += w
                else:
                    tall_weight += h
        if not long_boxes:
            return 0
        sample = [quad for _, quad in sorted(long_boxes, key=lambda item: -item[0])[:ORIENTATION_SAMPLE]]
        strips = [_crop(image, quad) for quad in sample]
        votes = self.classify([chunk for strip in strips for chunk in _chunks(strip)])
        upside_down = sum(score for label, score in votes if label == "180")
        upright = sum(score for label, score in votes if label != "180")
        flipped = upside_down > upright
        if abs(upside_down - upright) < 0.3 * (upside_down + upright):
            # the classifier is unsure: keep the reading the recogniser is surer of
            straight = np.mean([s for _, s in self.recognise(strips)])
            turned = np.mean([s for _, s in self.recognise([np.rot90(s, 2) for s in strips])])
            flipped = turned > straight
        if tall_weight > wide_weight:
            # strips of tall boxes were turned counter-clockwise; upright strips mean the
            # text runs top to bottom (page turned clockwise), so turn it back by 270°
            return 90 if flipped else 270
        return 180 if flipped else 0

    def skew_angle(self, quads: list[np.ndarray]) -> float:
        """Median angle (degrees, counter-clockwise positive) of the long boxes' top edges."""
        angles, weights = [], []
        for quad in quads:
            w, h = _quad_sides(quad)
            if w < LONG_BOX * h:
                continue
            dx, dy = quad[1] - quad[0]
            angles.append(-math.degrees(math.atan2(dy, dx)))
            weights.append(w)
        if not angles:
            return 0.0
        order = np.argsort(angles)
        cumulative = np.cumsum(np.asarray(weights)[order])
        return float(np.asarray(angles)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])

    # -- one page ------------------------------------------------------------------
    def run(self, image: np.ndarray, page: int = 1, dpi: int | None = None,
            colour: bool | None = None) -> tuple[OcrPage, np.ndarray]:
        """Read one page (RGB uint8 array). ``colour``: whether the file stored the page in colour
        (None: not known; judged from the pixels). Returns the page and its straightened image."""
        with self._lock:
            return self._run(np.ascontiguousarray(image), page, dpi or self.settings.dpi, colour)

    def _run(self, image: np.ndarray, page: int, dpi: int, colour: bool | None = None) -> tuple[OcrPage, np.ndarray]:
        import cv2

        # Text is read from a copy with the stamps faded out; the page handed back (and on to
        # seal and signature detection) is the scan itself, turned and levelled the same way.
        in_colour = has_colour(image) if colour is None else colour
        scanned, reading = image, read_through_stamps(image, colour=in_colour)
        quads = self.detect(reading)
        rotation, skew = 0, 0.0
        if quads and self.settings.straighten:
            rotation = self.orientation(reading, quads)
            if rotation:
                scanned, reading = rotate_right_angle(scanned, rotation), rotate_right_angle(reading, rotation)
                quads = self.detect(reading)
            angle = self.skew_angle(quads)
            if MIN_SKEW <= abs(angle) <= self.settings.max_skew:
                # Rotating the page by the measured angle levels its lines; the boxes are
                # moved with it instead of detecting again.
                height, width = reading.shape[:2]
                matrix = _skew_matrix(width, height, -angle)
                scanned, reading = deskew(scanned, -angle), deskew(reading, -angle)
                quads = [_order_quad(cv2.transform(q[None], matrix)[0]) for q in quads]
                skew = -angle
        height, width = reading.shape[:2]
        boxes = []
        for quad, text, score in self._read_boxes(reading, quads):
            if text.strip() and score >= self.settings.min_confidence:
                xs, ys = quad[:, 0], quad[:, 1]
                boxes.append(TextBox(float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()),
                                     text.strip(), score))
        layout = layout_page(boxes, page, self.settings.low_confidence)
        ocr_page = OcrPage(number=page, width=width, height=height, dpi=dpi, rotation=rotation,
                           skew=round(skew, 3), text=layout.text, lines=layout.lines, tables=layout.tables,
                           colour=colour)
        return ocr_page, scanned

    def _read_boxes(self, image: np.ndarray, quads: list[np.ndarray]) -> list[tuple[np.ndarray, str, float]]:
        """(quad, text, confidence) for each box; a box much taller than the page's lines is read
        again without its pen strokes (a signature across its label), and the surer reading kept."""
        results = self.recognise([_crop(image, quad) for quad in quads]) if quads else []
        line_heights = [h for w, h in map(_quad_sides, quads) if w >= LONG_BOX * h]
        usual = float(np.median(line_heights)) if line_heights else 0.0
        out = []
        for quad, (text, score) in zip(quads, results):
            height = _quad_sides(quad)[1]
            if usual and height > TALL_BOX * usual:
                again = self._read_without_strokes(image, quad, usual)
                if again is not None and _mean_score(again) > score:
                    out.extend(again)
                    continue
            out.append((quad, text, score))
        return out

    def _read_without_strokes(self, image: np.ndarray, quad: np.ndarray,
                              line_height: float) -> list[tuple[np.ndarray, str, float]] | None:
        """The box read without pen strokes, and also without light ink (a grey copy's seal over
        the print, which no colour tells apart): the surer of the two readings, or None."""
        x0, y0 = int(quad[:, 0].min()), int(quad[:, 1].min())
        x1, y1 = int(quad[:, 0].max()) + 1, int(quad[:, 1].max()) + 1
        # A printed character is about two thirds of its detected box's height.
        cleaned, strokes = without_large_strokes(image[y0:y1, x0:x1], CHAR_SHARE * line_height)
        if not strokes:
            return None
        readings = [self._read_crop(crop, x0, y0) for crop in (cleaned, without_light_ink(cleaned))]
        return max(readings, key=_mean_score)

    def _read_crop(self, crop: np.ndarray, x0: int, y0: int) -> list[tuple[np.ndarray, str, float]]:
        pad = STROKE_PAD
        padded = np.ascontiguousarray(np.pad(crop, ((pad, pad), (pad, pad), (0, 0)), mode="edge"))
        inner = self.detect(padded)
        if not inner:
            return []
        read = self.recognise([_crop(padded, q) for q in inner])
        offset = np.array([x0 - pad, y0 - pad], dtype=np.float32)
        return [(q + offset, text, score) for q, (text, score) in zip(inner, read)]


def _mean_score(read: list[tuple[np.ndarray, str, float]]) -> float:
    """Confidence of a reading weighted by its length (an empty reading scores 0)."""
    total = sum(len(text) for _, text, _ in read)
    return sum(len(text) * score for _, text, score in read) / total if total else 0.0


@lru_cache(maxsize=2)
def _cached_engine(key: tuple) -> OcrEngine:
    from assistant.settings import OCRSettings

    return OcrEngine(OCRSettings(**dict(key)))


def get_engine(settings: "OCRSettings") -> OcrEngine:
    """One engine per distinct OCR settings (models load once per process)."""
    return _cached_engine(tuple(sorted(settings.model_dump().items())))


# --- page images ------------------------------------------------------------------

def pdf_page_count(data: bytes) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


def pdf_pages_with_images(data: bytes, pages: list[int]) -> set[int]:
    """Which of these 1-based pages draw at least one image (what a scanner writes)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(data)
    try:
        found = set()
        for number in pages:
            page = document[number - 1]
            try:
                if next(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]), None) is not None:
                    found.add(number)
            finally:
                page.close()
        return found
    finally:
        document.close()


def pdf_page_colours(data: bytes, pages: list[int]) -> dict[int, bool | None]:
    """For each 1-based page: do its images carry colour (RGB, CMYK: True), or are they all grey or
    black-and-white (False)? None for a page without images."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    grey_spaces = {pdfium_c.FPDF_COLORSPACE_DEVICEGRAY, pdfium_c.FPDF_COLORSPACE_CALGRAY}
    document = pdfium.PdfDocument(data)
    try:
        found: dict[int, bool | None] = {}
        for number in pages:
            page = document[number - 1]
            try:
                spaces = []
                for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
                    meta = image.get_metadata()
                    spaces.append(meta.colorspace not in grey_spaces and meta.bits_per_pixel >= 24)
                found[number] = any(spaces) if spaces else None
            finally:
                page.close()
        return found
    finally:
        document.close()


def render_pdf_pages(data: bytes, dpi: int, pages: list[int] | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """(1-based page number, RGB image) for the given pages (all when None), one at a time."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        numbers = pages if pages is not None else list(range(1, len(document) + 1))
        for number in numbers:
            page = document[number - 1]
            try:
                bitmap = page.render(scale=dpi / 72, fill_color=(255, 255, 255, 255))
                yield number, np.asarray(bitmap.to_pil().convert("RGB"))
            finally:
                page.close()
    finally:
        document.close()


# Image modes that hold no colour (grey, black-and-white).
GREY_MODES = {"1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F"}


def image_frames(data: bytes) -> Iterator[tuple[np.ndarray, int | None, bool]]:
    """(RGB image, dpi recorded in the file or None, stored in colour) for each frame (multi-page TIFF)."""
    from PIL import Image, ImageOps, ImageSequence

    with Image.open(io.BytesIO(data)) as picture:
        for frame in ImageSequence.Iterator(picture):
            dpi = frame.info.get("dpi")
            upright = ImageOps.exif_transpose(frame)  # photos taken sideways carry an EXIF turn
            yield (np.asarray(upright.convert("RGB")), int(round(float(dpi[0]))) if dpi and dpi[0] else None,
                   frame.mode not in GREY_MODES)


def image_frame_count(data: bytes) -> int:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as picture:
        return getattr(picture, "n_frames", 1)
