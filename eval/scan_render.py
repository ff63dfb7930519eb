"""Scanned, photographed and bundled filings for the checker eval: `python -m eval.scan_render CASE_DIR OUT_DIR`.

The repo keeps only text and YAML (eval/data/checking_scans/). This module turns a
case into the files a 登记管理机关 actually receives: the text is laid out as a
printed document (python-docx -> LibreOffice PDF), rasterised, stamped with red
seals and handwritten signatures where the case says, degraded like a scan or a
phone photo, and written as an image-only PDF, a mixed PDF or JPG/PNG photos.
`materialize` also returns the per-page ground truth (which seal and signature
is on which page, present / absent / bw), so seal detection can be scored.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from eval import checking
from eval.checking import transform

SCAN_DIR = Path(__file__).resolve().parent / "data" / "checking_scans"
SOURCE_DIRS = (SCAN_DIR / "sources", checking.DATA_DIR / "sources")
NOTO = Path("/usr/share/fonts/opentype/noto")
SERIF, SANS = "Noto Serif CJK SC", "Noto Sans CJK SC"
SEAL_RED = np.array([200, 26, 36], dtype=np.float32)
SIGN_INK = np.array([22, 28, 64], dtype=np.float32)  # blue-black ballpoint
CN_NUM = "一二三四五六七八九十"
DOC_BREAK = "\f\f"  # page break + new document (bundles); a lone "\f" is just a page break
# short closing lines (落款, 签字/盖章 fields, dates) sit right of centre, as on printed forms
_SIGNOFF_RE = re.compile(r"（盖章）|（签字）|（签名）|^\d{4}年\d{1,2}月\d{1,2}日$|^申请人|^产权|"
                         r"会计师事务所$|^注册会计师|^业务主管单位：")
_HEADING_RE = re.compile(r"^(第[一二三四五六七八九十百]+章|[一二三四五六七八九十]+、)")


# --- text ---------------------------------------------------------------------

def read_source(name: str) -> str:
    for folder in SOURCE_DIRS:
        if (folder / name).is_file():
            return (folder / name).read_text(encoding="utf-8")
    raise FileNotFoundError(f"source not found in {[str(d) for d in SOURCE_DIRS]}: {name}")


def cn_num(n: int) -> str:
    return CN_NUM[n - 1] if n <= 10 else "十" + CN_NUM[n - 11]


def bundle_text(bundle: dict) -> str:
    """Cover, 材料清单 table, then each material on a new page under its heading.

    `listed: false` puts a material inside but not on the list; `included: false`
    lists it without attaching it. Headings keep the list numbers, so a gap shows.
    """
    materials = bundle["materials"]
    listed = [m for m in materials if m.get("listed", True)]
    lines = ["# " + line.strip() for line in bundle["cover"].strip().split("\n") if line.strip()]
    lines += [DOC_BREAK, "## 材料清单", ""]
    lines += [f"序号: {i}；材料名称: {m['title']}；份数: {m.get('copies', 1)}" for i, m in enumerate(listed, 1)]
    style = bundle.get("headings", "附件")
    for m in materials:
        if not m.get("included", True):
            continue
        n = listed.index(m) + 1 if m in listed else len(listed) + 1
        head = {"附件": f"附件{cn_num(n)} {m['title']}", "材料之": f"材料之{cn_num(n)}：{m['title']}",
                "plain": None}[style]
        lines += [DOC_BREAK] + ([f"## {head}", ""] if head else [])
        lines += [transform(read_source(m["source"]), m).strip()]
    return "\n".join(lines) + "\n"


def file_text(spec: dict) -> str:
    text = bundle_text(spec["bundle"]) if "bundle" in spec else transform(read_source(spec["source"]), spec)
    for pattern in (spec.get("render") or {}).get("page_breaks") or []:  # fixes where a page starts
        text = re.sub(f"(?m)^(?={pattern})", "\f\n", text)  # before lines starting so
    return text


# --- layout: DOCX -> PDF --------------------------------------------------------

def _run(paragraph, text: str, font: str = SERIF, size: float = 12, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.font.name, run.font.size, run.font.bold = font, Pt(size), bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)  # CJK face


def _add_table(document, rows: list[str], page_break: bool) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Mm

    cells = [[c.split(": ", 1) for c in row.split("；")] for row in rows]
    header = [k for k, _ in cells[0]]
    if page_break:
        document.add_paragraph().paragraph_format.page_break_before = True
    table = document.add_table(rows=1 + len(cells), cols=len(header))
    table.style = "Table Grid"
    widths = [max(len(h), *(len(row[c][1]) if c < len(row) else 0 for row in cells)) + 2 for c, h in enumerate(header)]
    grid = table._tbl.tblGrid.findall(qn("w:gridCol"))  # LibreOffice lays out by the grid, Word by cells
    for c, width in enumerate(widths):  # columns as wide as their text, like a typed table
        grid[c].set(qn("w:w"), str(int(158 * width / sum(widths) * 56.7)))  # twentieths of a point
        for cell in table.columns[c].cells:
            cell.width = Mm(158 * width / sum(widths))
    for c, h in enumerate(header):
        _run(table.cell(0, c).paragraphs[0], h, SANS, 11, True)
    for r, row in enumerate(cells, 1):
        for c, (_, value) in enumerate(row[:len(header)]):
            _run(table.cell(r, c).paragraphs[0], value, SERIF, 11)


def build_docx(text: str, path: Path) -> Path:
    """A printed-looking document: centred title, bold headings, indented body, tables,
    page breaks at "\\f" lines; "# " lines are cover lines, "## " lines material headings."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(26)
    section.top_margin, section.bottom_margin = Mm(30), Mm(28)
    lines, i, title_next, page_break, cover = text.split("\n"), 0, True, False, 0
    while i < len(lines):
        line = lines[i].strip(" \t\r")  # not str.strip(): "\f" is whitespace to it
        i += 1
        if line in ("\f", DOC_BREAK):  # DOC_BREAK: a new material starts, its first line is a title
            page_break, title_next = True, title_next or line == DOC_BREAK
            continue
        if checking._TABLE_ROW_RE.match(line):
            rows = [line]
            while i < len(lines) and checking._TABLE_ROW_RE.match(lines[i].strip()):
                rows.append(lines[i].strip())
                i += 1
            _add_table(document, rows, page_break)
            page_break = False
            continue
        if not line:
            continue
        line = re.sub(r" {2,}", "\u3000" * 8, line)  # two fields on one line stay apart (Word would collapse)
        p = document.add_paragraph()
        fmt = p.paragraph_format
        fmt.page_break_before, page_break = page_break, False
        fmt.line_spacing, fmt.space_after = 1.45, Pt(4)
        if line.startswith("# "):  # cover: organization and filing name large, the rest smaller
            cover += 1
            fmt.alignment, fmt.space_before = WD_ALIGN_PARAGRAPH.CENTER, Pt(60 if cover < 3 else 24)
            _run(p, line[2:], SANS, 22 if cover < 3 else 14, cover < 3)
        elif line.startswith("## "):
            _run(p, line[3:], SANS, 14, True)
            title_next = True
        elif title_next:
            fmt.alignment, fmt.space_after = WD_ALIGN_PARAGRAPH.CENTER, Pt(14)
            _run(p, line, SERIF, 16, True)
            title_next = False
        elif _SIGNOFF_RE.search(line) and line.count("（盖章）") < 2:  # right of centre, never wrapped
            fmt.left_indent, fmt.space_before = Mm(max(0, min(78, 150 - 4.4 * len(line)))), Pt(10)
            _run(p, line)
        else:
            fmt.first_line_indent = Pt(24)
            _run(p, line, bold=bool(_HEADING_RE.match(line)))
    document.save(str(path))
    return path


def strip_marks(text: str) -> str:
    return re.sub(r"(?m)^#{1,2} ", "", text).replace("\f", "")


def to_pdf(texts: dict[Path, str], work: Path) -> None:
    """Write each text as a PDF at its path; LibreOffice when present (real print layout,
    one batched call since each start costs seconds), else fpdf2 with the Noto subset."""
    if shutil.which("soffice"):
        docx_dir = work / "docx"
        docx_dir.mkdir(parents=True, exist_ok=True)
        docs = [build_docx(text, docx_dir / (pdf.stem + ".docx")) for pdf, text in texts.items()]
        with tempfile.TemporaryDirectory() as profile:  # own profile: parallel runs don't lock each other
            subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                            "--convert-to", "pdf", "--outdir", str(docx_dir), *map(str, docs)],
                           check=True, capture_output=True, timeout=600)
        for pdf in texts:
            shutil.move(str(docx_dir / (pdf.stem + ".pdf")), pdf)
        return
    from pypdf import PdfWriter

    checking.use_pdf_font(checking.make_pdf_font("".join(texts.values()), work / "cjk-subset.ttf"))
    for pdf, text in texts.items():  # fpdf2 knows no page breaks: one PDF per page-broken part, merged
        writer = PdfWriter()
        for k, part in enumerate(re.split(r"(?m)^\f+$", text)):
            writer.append(str(checking.write_pdf(strip_marks(part), work / f"{pdf.stem}-part{k}.pdf")))
        writer.write(str(pdf))


# --- pages: anchors and rasters ----------------------------------------------------

def find_anchor(pdf: Path, page: int, anchor: str) -> tuple[float, float, float, float]:
    """Box (x0, y0, x1, y1) of `anchor` on 1-based `page`, as fractions of the page, top-left origin."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        found_on = []
        for index in range(len(doc)):
            pg = doc[index]
            textpage = pg.get_textpage()
            hit = textpage.search(anchor).get_next()
            if hit and index + 1 == page:
                boxes = [textpage.get_charbox(k) for k in range(hit[0], hit[0] + hit[1])]
                w, h = pg.get_size()
                return (min(b[0] for b in boxes) / w, 1 - max(b[3] for b in boxes) / h,
                        max(b[2] for b in boxes) / w, 1 - min(b[1] for b in boxes) / h)
            if hit:
                found_on.append(index + 1)
    finally:
        doc.close()
    raise ValueError(f"anchor {anchor!r} not on page {page} (found on pages {found_on})")


def rasterize(pdf: Path, dpi: int) -> list[Image.Image]:
    """pdftoppm when installed (what a scanner driver's output resembles), else pypdfium2."""
    if shutil.which("pdftoppm"):
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), f"{tmp}/p"], check=True)
            return [Image.open(p).convert("RGB") for p in sorted(Path(tmp).glob("p-*.png"),
                                                                   key=lambda p: int(p.stem.split("-")[1]))]
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    pages = [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in doc]
    doc.close()
    return pages


# --- seals ---------------------------------------------------------------------------

def _glyph(char: str, size: int, font: ImageFont.FreeTypeFont, angle: float, stretch: float = 1.0) -> Image.Image:
    """One character as an L mask, squeezed horizontally (seal type is narrow) and rotated."""
    im = Image.new("L", (size * 2, size * 2), 0)
    ImageDraw.Draw(im).text((size, size), char, fill=255, font=font, anchor="mm")
    if stretch != 1.0:
        im = im.resize((int(size * 2 * stretch), size * 2), Image.LANCZOS)
    return im.rotate(-angle, resample=Image.BICUBIC, expand=True)


def _paste_center(mask: Image.Image, glyph: Image.Image, x: float, y: float) -> None:
    mask.paste(255, (int(x - glyph.width / 2), int(y - glyph.height / 2)), glyph)


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    pts = [(cx + (r if k % 2 == 0 else r * 0.38) * np.sin(k * np.pi / 5),
            cy - (r if k % 2 == 0 else r * 0.38) * np.cos(k * np.pi / 5)) for k in range(10)]
    draw.polygon(pts, fill=255)


def _arc_text(mask, text, cx, cy, rx, ry, size, font, span) -> None:
    """Characters along the top of a circle/ellipse, each turned to face the centre and
    narrowed to fit the arc, as seal engravers do with long names."""
    n = len(text)
    step = np.radians(span / n) * (rx + ry) / 2
    stretch = float(np.clip(step * 0.9 / size, 0.45, 0.85))
    for k, char in enumerate(text):
        t = np.radians(-span / 2 + span * (k + 0.5) / n)
        x, y = cx + rx * np.sin(t), cy - ry * np.cos(t)
        angle = np.degrees(np.arctan2(np.sin(t) * ry, np.cos(t) * rx))
        _paste_center(mask, _glyph(char, size, font, angle, stretch), x, y)


def seal_mask(kind: str, text: str, bottom: str, px_mm: float) -> Image.Image:
    """An L mask of a seal drawn at 3x and reduced (smooth edges): round 公章 (ring, star,
    name on the arc), oval 专用章, or a square 法人章/personal seal (2x2 characters)."""
    s = px_mm * 3
    font = lambda mm: ImageFont.truetype(str(NOTO / "NotoSerifCJK-Bold.ttc"), int(mm * s), index=2)  # SC face
    if kind == "square":
        side = 18 * s
        mask = Image.new("L", (int(side), int(side)), 0)
        draw = ImageDraw.Draw(mask)
        draw.rectangle([0, 0, side - 1, side - 1], outline=255, width=int(1.3 * s))
        chars = (text + "之印")[:4] if len(text) == 2 else (text + "印")[:4]
        for k, char in enumerate(chars):  # read right column first, top to bottom
            x, y = (0.72 if k < 2 else 0.28) * side, (0.29 if k % 2 == 0 else 0.71) * side
            _paste_center(mask, _glyph(char, int(7.4 * s), font(7.4), 0), x, y)
        return mask.resize((int(side / 3), int(side / 3)), Image.LANCZOS)
    w, h = (42 * s, 42 * s) if kind == "round" else (46 * s, 32 * s)
    mask = Image.new("L", (int(w), int(h)), 0)
    draw = ImageDraw.Draw(mask)
    ring = 1.4 * s if kind == "round" else 1.1 * s
    draw.ellipse([ring / 2, ring / 2, w - ring / 2, h - ring / 2], outline=255, width=int(ring))
    cx, cy = w / 2, h / 2
    size = (6.2 if kind == "round" else 4.6) * s
    span = min(260 if kind == "round" else 230, 22 * len(text) + 20)
    _arc_text(mask, text, cx, cy, w / 2 - ring - size * 0.62, h / 2 - ring - size * 0.62, int(size), font(size / s), span)
    if kind == "round":
        _star(draw, cx, cy, 7 * s)
    if bottom:
        fs = (4.4 if kind == "round" else 4.2) * s
        y = cy + (11 * s if kind == "round" else 4.5 * s)
        draw.text((cx, y), bottom, fill=255, font=font(fs / s), anchor="mm")
    return mask.resize((int(w / 3), int(h / 3)), Image.LANCZOS)


def ink_texture(mask: Image.Image, rng: np.random.Generator, coverage: tuple[float, float]) -> np.ndarray:
    """Uneven ink: a blurred random field thins some parts of the stamp, plus pin-hole dropouts."""
    a = np.asarray(mask, dtype=np.float32) / 255
    field = Image.fromarray((rng.random(a.shape) * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(6))
    field = np.asarray(field, dtype=np.float32) / 255
    field = (field - field.min()) / (np.ptp(field) + 1e-6)
    lo, hi = coverage
    a = a * (lo + (hi - lo) * field) * (rng.random(a.shape) > 0.04)
    return np.asarray(Image.fromarray((a * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.7)),
                      dtype=np.float32) / 255


def blend_ink(page: np.ndarray, alpha: np.ndarray, colour: np.ndarray, x: int, y: int) -> None:
    """Multiply-blend ink into the page in place: printed text under a seal stays visible, as on paper."""
    h, w = alpha.shape
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, page.shape[1]), min(y + h, page.shape[0])
    a = alpha[y0 - y:y1 - y, x0 - x:x1 - x, None]
    region = page[y0:y1, x0:x1]
    page[y0:y1, x0:x1] = region * (1 - a) + region * (colour / 255) * a


def stamp_seal(page: np.ndarray, spec: dict, box: tuple, px_mm: float, rng: np.random.Generator) -> list:
    """Stamp a seal over the anchor (the 落款 or （盖章） label), tilted and off-centre like a
    hand stamp, so it overlaps the printed name/date. Returns the seal box as page fractions."""
    mask = seal_mask(spec.get("kind", "round"), spec["text"], spec.get("bottom", ""), px_mm)
    mask = mask.rotate(float(rng.uniform(-22, 22)), resample=Image.BICUBIC, expand=True)
    alpha = ink_texture(mask, rng, (0.45, 0.92)) * float(rng.uniform(0.8, 0.95))
    H, W = page.shape[:2]
    dx, dy = spec.get("dx", 6), spec.get("dy", 3)  # mm from the anchor's centre (or its end: `from: end`)
    ref = box[2] if spec.get("from") == "end" else (box[0] + box[2]) / 2
    cx = ref * W + (dx + rng.uniform(-3, 3)) * px_mm
    cy = (box[1] + box[3]) / 2 * H + (dy + rng.uniform(-2, 2)) * px_mm
    x, y = int(cx - alpha.shape[1] / 2), int(cy - alpha.shape[0] / 2)
    blend_ink(page, alpha, SEAL_RED * rng.uniform(0.9, 1.05, 3).astype(np.float32), x, y)
    return [round(x / W, 4), round(y / H, 4), round((x + alpha.shape[1]) / W, 4), round((y + alpha.shape[0]) / H, 4)]


# --- signatures ------------------------------------------------------------------------

def _bezier(p: np.ndarray, steps: int = 60) -> np.ndarray:
    t = np.linspace(0, 1, steps)[:, None]
    return (1 - t) ** 3 * p[0] + 3 * (1 - t) ** 2 * t * p[1] + 3 * (1 - t) * t ** 2 * p[2] + t ** 3 * p[3]


def signature_mask(w: int, h: int, rng: np.random.Generator, chars: int) -> Image.Image:
    """A cursive-looking name: per character one or two pen-down paths of chained cubic
    curves (the pen keeps moving), ballpoint width varying with pressure, a common slant
    and sometimes a flourish. Drawn at 2x for smooth strokes."""
    s = 2
    mask = Image.new("L", (w * s, h * s), 0)
    draw = ImageDraw.Draw(mask)
    cell, pen = w * s / (chars + 0.4), max(2.0, h * s / 30)
    slant = rng.uniform(0.15, 0.4)
    for c in range(chars):
        for _ in range(int(rng.integers(1, 3))):  # pen lifts within a character
            cur = np.array([c * cell + rng.uniform(0, 0.4) * cell, rng.uniform(0.2, 0.8) * h * s])
            segments = [cur[None]]
            for _ in range(int(rng.integers(2, 5))):
                ctrl = rng.uniform([(c - 0.1) * cell, 0.05 * h * s], [(c + 1.2) * cell, 0.95 * h * s], (3, 2))
                segments.append(_bezier(np.vstack([cur, ctrl]), 40)[1:])
                cur = segments[-1][-1]
            path = np.vstack(segments)
            path[:, 0] += (h * s - path[:, 1]) * slant
            widths = pen * (0.5 + 0.7 * np.sin(np.linspace(0.2, 2.9, len(path)))) * rng.uniform(0.8, 1.2)
            for (xa, ya), (xb, yb), wd in zip(path[:-1], path[1:], widths):
                draw.line([(xa, ya), (xb, yb)], fill=255, width=max(1, int(round(wd))))
    if rng.random() < 0.5:  # flourish under the name
        p = np.array([[0.1, 0.85], [0.5, 1.0], [0.8, 0.6], [1.0, 0.75]]) * [w * s, h * s]
        draw.line([tuple(q) for q in _bezier(p)], fill=255, width=max(1, int(pen * 0.8)), joint="curve")
    return mask.resize((w, h), Image.LANCZOS)


def sign(page: np.ndarray, box: tuple, px_mm: float, rng: np.random.Generator) -> list:
    """Sign in the blank after the label (签字/签名), a little above the line, as people do."""
    H, W = page.shape[:2]
    w, h = int(rng.uniform(28, 36) * px_mm), int(rng.uniform(10, 14) * px_mm)
    mask = signature_mask(w, h, rng, int(rng.integers(2, 4)))
    alpha = np.asarray(mask, dtype=np.float32) / 255 * rng.uniform(0.85, 1.0)
    x = int(box[2] * W + rng.uniform(1, 4) * px_mm)
    y = int((box[1] + box[3]) / 2 * H - h * rng.uniform(0.55, 0.75))
    blend_ink(page, alpha, SIGN_INK, x, y)
    return [round(x / W, 4), round(y / H, 4), round((x + w) / W, 4), round((y + h) / H, 4)]


# --- degradations ---------------------------------------------------------------------------

def _perspective_coeffs(dst: list, src: list) -> list:
    """Coefficients for Image.transform(PERSPECTIVE), which maps output points (dst) to input (src)."""
    rows = []
    for (x, y), (u, v) in zip(dst, src):
        rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
    return np.linalg.solve(np.array(rows, dtype=float), np.array(src, dtype=float).reshape(8)).tolist()


def _lighting(W: int, H: int, rng: np.random.Generator) -> Image.Image:
    """Light falling off from a random point plus a soft shadow band (hand/phone), as an RGB
    multiplier with an off-white paper tint; computed small and enlarged, since it is smooth."""
    w, h = W // 8, H // 8
    yy, xx = np.mgrid[0:h, 0:w] / np.array([h, w])[:, None, None]
    lx, ly = rng.uniform(-0.3, 1.3, 2)
    light = 1.0 - 0.35 * np.clip(np.hypot(xx - lx, yy - ly) / 1.4, 0, 1)
    shadow = 1 - 0.28 / (1 + np.exp(-(xx * 0.6 + yy * 0.8 - rng.uniform(1.05, 1.25)) * 18))
    tint = np.array([0.97, 0.94, 0.86]) * rng.uniform(0.95, 1.0)
    small = (light * shadow)[..., None] * tint * 255
    return Image.fromarray(small.astype(np.uint8)).resize((W, H), Image.BILINEAR)


def photograph(img: Image.Image, rng: np.random.Generator) -> Image.Image:
    """A phone photo of the sheet on a desk: off-white paper, uneven light and a shadow,
    the page as a skewed quadrilateral on a darker background, slight defocus."""
    W, H = img.size
    paper = ImageChops.multiply(img, _lighting(W, H, rng))
    cw, ch = int(W * 1.16), int(H * 1.12)
    m = lambda k: rng.uniform(0.01, 0.08) * k
    quad = [(m(cw), m(ch)), (cw - m(cw), m(ch)), (cw - m(cw), ch - m(ch)), (m(cw), ch - m(ch))]
    coeffs = _perspective_coeffs(quad, [(0, 0), (W, 0), (W, H), (0, H)])
    warped = paper.transform((cw, ch), Image.PERSPECTIVE, coeffs, Image.BILINEAR)
    inside = Image.new("L", (W, H), 255).transform((cw, ch), Image.PERSPECTIVE, coeffs, Image.BILINEAR)
    desk = ImageChops.add(Image.new("RGB", (cw, ch), (92, 78, 64)),
                          Image.effect_noise((cw, ch), 10).convert("RGB"), 1.0, -128)
    out = Image.composite(warped, desk.filter(ImageFilter.GaussianBlur(3)), inside.filter(ImageFilter.GaussianBlur(1.5)))
    return out.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.1)))


def photocopy(img: Image.Image) -> Image.Image:
    """Black-and-white copy: colour lost, background pushed to white, ink darker (a red seal turns grey)."""
    a = np.asarray(img.convert("L"), dtype=np.float32)
    a = np.clip((a - 40) * 1.35, 0, 255)
    return Image.fromarray(a.astype(np.uint8)).convert("RGB")


def degrade(img: Image.Image, d: dict, rng: np.random.Generator) -> Image.Image:
    """Apply one page's degradations in the order paper meets machine: copy, photo or scanner
    (skew, feed rotation), then optics (blur), sensor (noise) and compression (JPEG).
    Pillow's C operations throughout: numpy on full pages costs seconds each."""
    if d.get("grey"):
        img = photocopy(img)
    if d.get("photo"):
        img = photograph(img, rng)
    else:  # scanner lid/glass: the white is never quite white
        level = float(rng.uniform(0.94, 0.98))
        img = img.point(lambda v: int(v * level))
    if d.get("skew"):
        img = img.rotate(float(d["skew"]) * rng.choice([-1, 1]), resample=Image.BILINEAR, fillcolor=(238, 238, 236))
    if d.get("rotate"):
        img = img.rotate(-int(d["rotate"]), expand=True)  # page fed sideways or upside down (clockwise)
    if d.get("blur"):
        img = img.filter(ImageFilter.GaussianBlur(float(d["blur"])))
    if d.get("noise"):  # sensor grain, the same on all channels; one tile repeated (generating is slow)
        tile = Image.effect_noise((509, 509), float(d["noise"])).convert(img.mode)
        grain = Image.new(img.mode, img.size)
        for y in range(0, img.height, 509):
            for x in range(0, img.width, 509):
                grain.paste(tile, (x, y))
        img = ImageChops.add(img, grain, 1.0, -128)
    if d.get("grey"):
        img = img.convert("L")
    if d.get("jpeg"):
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=int(d["jpeg"]))
        img = Image.open(io.BytesIO(buf.getvalue()))
        img.load()
    return img


# --- one rendered file ---------------------------------------------------------------------

def page_truth(spec: dict, render: dict, n_pages: int) -> list[dict]:
    wanted = [m["page"] for m in (render.get("seals") or []) + (render.get("signatures") or [])]
    if wanted and max(wanted) > n_pages:
        raise ValueError(f"seal/signature on page {max(wanted)}, layout has {n_pages} pages")
    pages = []
    for k in range(1, n_pages + 1):
        d = {**(render.get("degradations") or {}), **((render.get("page_degradations") or {}).get(k) or {})}
        scanned = render["format"] != "mixed_pdf" or k in render.get("scanned_pages", [])
        pages.append({"page": k, "scanned": scanned, "grey": bool(d.get("grey")), "photo": bool(d.get("photo")),
                      "rotate": int(d.get("rotate", 0)), "skew": float(d.get("skew", 0)), "degradations": d,
                      "seals": [], "signatures": []})
    return pages


def mark_page(img: Image.Image, info: dict, pdf: Path, render: dict, dpi: int, rng) -> Image.Image:
    """Stamp this page's seals and draw its signatures (only those with present: true are drawn;
    every one is recorded, so an absent seal is ground truth too)."""
    if not any(m["page"] == info["page"] for key in ("assert_text", "seals", "signatures")
               for m in render.get(key) or []):
        return img
    page = np.asarray(img, dtype=np.float32).copy()
    px_mm = dpi / 25.4
    for spec in [s for s in render.get("assert_text") or [] if s["page"] == info["page"]]:
        find_anchor(pdf, spec["page"], spec["text"])  # the case's `page:` findings rely on this layout
    for spec in [s for s in render.get("seals") or [] if s["page"] == info["page"]]:
        # an absent seal may have no anchor: the rule wants a seal, the form lost its （盖章） label too
        box = find_anchor(pdf, spec["page"], spec["anchor"]) if spec.get("anchor") else None
        drawn = stamp_seal(page, spec, box, px_mm, rng) if spec.get("present", True) else None
        state = "absent" if drawn is None else ("bw" if info["grey"] else "present")
        info["seals"].append({"role": spec.get("role"), "kind": spec.get("kind", "round"), "text": spec["text"],
                              "anchor": spec.get("anchor"), "box": drawn, "state": state,
                              "anchor_box": [round(v, 4) for v in box] if box else None})
    for spec in [s for s in render.get("signatures") or [] if s["page"] == info["page"]]:
        box = find_anchor(pdf, spec["page"], spec["anchor"])
        drawn = sign(page, box, px_mm, rng) if spec.get("present", True) else None
        info["signatures"].append({"anchor": spec["anchor"], "anchor_box": [round(v, 4) for v in box],
                                   "box": drawn, "state": "present" if drawn is not None else "absent"})
    return Image.fromarray(np.clip(page, 0, 255).astype(np.uint8))


def image_pdf(images: list[Image.Image], dpi: int) -> bytes:
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=float(dpi))
    return buf.getvalue()


def write_rendered(pdf: Path, spec: dict, out: Path, rng) -> tuple[list[Path], list[dict]]:
    """Rasterise the laid-out PDF, mark and degrade the pages, write the file(s) the case asks for."""
    render = spec["render"]
    dpi, fmt = int(render.get("dpi", 200)), render["format"]
    rasters = rasterize(pdf, dpi)
    pages = page_truth(spec, render, len(rasters))
    images = []
    for img, info in zip(rasters, pages):
        img = mark_page(img, info, pdf, render, dpi, rng)
        images.append(degrade(img, info["degradations"], rng) if info["scanned"] else None)
    if fmt == "scan_pdf":
        out.write_bytes(image_pdf(images, dpi))
        return [out], [{"file": out.name, **p} for p in pages]
    if fmt == "mixed_pdf":  # text-layer pages from the layout PDF, the others replaced by their scans
        from pypdf import PdfReader, PdfWriter

        writer, text_pages = PdfWriter(), PdfReader(str(pdf)).pages
        for img, page in zip(images, text_pages):
            writer.add_page(PdfReader(io.BytesIO(image_pdf([img], dpi))).pages[0] if img else page)
        with out.open("wb") as fh:
            writer.write(fh)
        return [out], [{"file": out.name, **p} for p in pages]
    suffix = {"photo_jpg": ".jpg", "scan_png": ".png"}[fmt]
    paths = [out.with_name(out.stem + (f"-{k}" if len(images) > 1 else "") + suffix) for k in range(1, len(images) + 1)]
    for img, path, info in zip(images, paths, pages):
        img.save(path, quality=int(info["degradations"].get("jpeg", 88))) if suffix == ".jpg" else img.save(path)
    return paths, [{"file": path.name, **{**p, "page": 1}, "source_page": p["page"]} for path, p in zip(paths, pages)]


# --- cases ------------------------------------------------------------------------------------

def _rng(*keys: str) -> np.random.Generator:
    """Same case, same pixels: seeded from the case and file names."""
    return np.random.default_rng(int(hashlib.sha1("|".join(keys).encode()).hexdigest()[:12], 16))


def materialize(case: dict, out_dir: Path) -> dict:
    """Write a case's files into out_dir; return {"files": [...], "pages": [per-page ground truth]}."""
    out_dir.mkdir(parents=True, exist_ok=True)
    started, layouts, files, pages = time.perf_counter(), {}, [], []
    work = Path(tempfile.mkdtemp(prefix="scan_render-"))
    try:
        for k, spec in enumerate(case["files"]):
            name = spec.get("name") or f"{Path(spec.get('source', 'bundle')).stem}.{spec.get('format', 'txt')}"
            if "render" in spec or ("bundle" in spec and name.endswith(".pdf")):
                layouts[k] = (work / f"layout{k}.pdf", file_text(spec))
            elif "bundle" in spec:
                files.append(build_docx(file_text(spec), out_dir / name))
            else:  # a plain text/docx/pdf file, written as the text eval does
                if spec.get("format") == "pdf":
                    chars = "".join(file_text(s) for s in case["files"] if "source" in s or "bundle" in s)
                    checking.use_pdf_font(checking.make_pdf_font(chars, work / "cjk-subset.ttf"))
                files.append(checking.WRITERS[spec.get("format", "txt")](file_text(spec), out_dir / name))
        if layouts:
            to_pdf({pdf: text for pdf, text in layouts.values()}, work)
        for k, (pdf, _) in layouts.items():
            spec = case["files"][k]
            out = out_dir / (spec.get("name") or f"{Path(spec.get('source', 'bundle')).stem}.pdf")
            if "render" not in spec:  # a text-layer PDF bundle, as printed from Word
                files.append(Path(shutil.copy(pdf, out)))
                continue
            try:
                written, truth = write_rendered(pdf, spec, out, _rng(case.get("description", ""), out.name))
            except ValueError as exc:
                raise ValueError(f"{out.name}: {exc}") from None
            files += written
            pages += truth
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"files": [str(p) for p in files], "pages": pages, "checks": checks(pages),
            "seconds": round(time.perf_counter() - started, 2)}


def checks(pages: list[dict]) -> list[dict]:
    """The seal and signature checks flattened, one row each, for scoring detection."""
    return [{"file": p["file"], "page": p["page"], "what": what, "role": m.get("role"), "state": m["state"]}
            for p in pages for what, key in (("seal", "seals"), ("signature", "signatures")) for m in p[key]]


def preview(paths: list[str], folder: Path, height: int = 1100) -> None:
    """Small PNGs of every page, for looking at what was made."""
    import pypdfium2 as pdfium

    folder.mkdir(parents=True, exist_ok=True)
    for p in map(Path, paths):
        if p.suffix == ".pdf":
            doc = pdfium.PdfDocument(str(p))
            imgs = [pg.render(scale=height / pg.get_height()).to_pil() for pg in doc]
            doc.close()
        elif p.suffix in (".jpg", ".png"):
            imgs = [Image.open(p)]
        else:
            continue
        for k, img in enumerate(imgs, 1):
            img.thumbnail((height, height))
            img.convert("RGB").save(folder / f"{p.stem}-p{k}.png")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.scan_render", description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", type=Path, help="a case YAML or a folder of them (cases/, bundles/)")
    parser.add_argument("out", type=Path, help="one sub-folder per case, each with ground_truth.json")
    parser.add_argument("--preview", action="store_true", help="also write small PNGs of every page")
    args = parser.parse_args(argv)
    paths = [args.cases] if args.cases.is_file() else sorted(args.cases.glob("*.yaml"))
    total = time.perf_counter()
    for path in paths:
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        result = materialize(case, args.out / path.stem)
        result["expected"] = case.get("expected")
        (args.out / path.stem / "ground_truth.json").write_text(json.dumps(result, ensure_ascii=False, indent=1),
                                                                encoding="utf-8")
        if args.preview:
            preview(result["files"], args.out / path.stem / "preview")
        print(f"{path.stem:<48} {len(result['files'])} files {len(result['pages'])} pages {result['seconds']:.1f}s")
    print(f"{len(paths)} cases in {time.perf_counter() - total:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
