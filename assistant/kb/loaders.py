"""Loader stage: turn a file on disk into plain text (+ page offsets and tables).

Supported: .txt, .md, .pdf (pypdf), .docx (python-docx, tables included),
.yaml data files that a registered renderer turns into Markdown (the domain's
rulebook registers one, see ``register_renderer``; the framework itself knows
no data format), and scans: PDF pages without a usable text layer and
.png/.jpg/.tif images are read by offline OCR (``assistant.kb.ocr``), page by
page, each recognised line keeping its page, box and confidence
(``LoadedFile.ocr_pages`` / ``ocr_lines``). Every failure is a ``LoadError``
whose message names the file, the problem and what to do, in Chinese and
English; callers decide whether to stop or carry on. ``read_document`` loads a
file as the verbatim ``ParsedDocument`` that checkers quote from (``load_document``
also returns the loaded file, for its OCR lines).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.text.document import ParsedDocument, drop_nuls, parse_text, unwrap_pdf_lines

if TYPE_CHECKING:
    import numpy as np

    from assistant.kb.ocr import OcrPage
    from assistant.kb.ocr_layout import OcrLine
    from assistant.settings import OCRSettings

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | IMAGE_SUFFIXES | {".pdf", ".docx", ".yaml", ".yml"}

# Without OCR, a PDF whose pages yield fewer visible characters than this on
# average is treated as scanned (image-only): ingesting it would index nothing useful.
MIN_CHARS_PER_PDF_PAGE = 15

# progress(pages done, pages in all); on_page(page read by OCR, its straightened image)
ProgressCallback = Callable[[int, int], None]
PageCallback = Callable[["OcrPage", "np.ndarray"], None]


class LoadError(Exception):
    """A file that cannot be loaded, with a bilingual, actionable message."""

    def __init__(self, path: Path | str, code: str, zh: str, en: str, hint_zh: str = "", hint_en: str = ""):
        self.path = Path(path)
        self.code = code
        self.zh = zh
        self.en = en
        self.hint_zh = hint_zh
        self.hint_en = hint_en
        super().__init__(self.message)

    @property
    def message(self) -> str:
        name = self.path.name
        zh = f"文件“{name}”{self.zh}" + (f"；{self.hint_zh}" if self.hint_zh else "") + "。"
        en = f"File '{name}': {self.en}" + (f"; {self.hint_en}" if self.hint_en else "") + "."
        return f"{zh} / {en}"


@dataclass
class LoadedFile:
    path: Path
    text: str
    format: str  # "text" | "markdown" | "pdf" | "docx" | "rulebook" | "image"
    pages: list[tuple[int, int]] = field(default_factory=list)  # (1-based page, start offset in text)
    tables: list[list[list[str]]] = field(default_factory=list)
    # Pages read by OCR (scanned PDF pages, image frames); their lines' offsets refer to ``text``.
    ocr_pages: list["OcrPage"] = field(default_factory=list)

    def page_at(self, offset: int) -> int:
        """1-based PDF page (or image frame) holding ``offset``; 0 for formats without pages."""
        page = 0
        for number, start in self.pages:
            if start <= offset:
                page = number
            else:
                break
        return page

    @property
    def ocr_lines(self) -> list["OcrLine"]:
        """Every recognised line, in text order, with its page, box and confidence."""
        return [line for page in self.ocr_pages for line in page.lines]

    def ocr_lines_at(self, start: int, end: int | None = None) -> list["OcrLine"]:
        """Recognised lines overlapping the text range [start, end) (the line at ``start`` if no end)."""
        end = start + 1 if end is None else max(end, start + 1)
        return [line for line in self.ocr_lines if line.start < end and start < max(line.end, line.start + 1)]

    def low_confidence_at(self, start: int, end: int | None = None) -> bool:
        """Does the text range rest on a line recognised with low confidence (请人工核对)?"""
        return any(line.low_confidence for line in self.ocr_lines_at(start, end))


# --- content sniffing ------------------------------------------------------

def _sniff(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"  # legacy .doc / .xls
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        return "image"
    if b"\x00" in head[:1024] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return "text"


_KIND_NAMES = {
    "pdf": ("PDF 文档", "a PDF document"),
    "zip": ("ZIP/Office 文档（如 .docx）", "a ZIP/Office document (e.g. .docx)"),
    "ole": ("旧版 Office 文档（.doc/.xls）", "a legacy Office document (.doc/.xls)"),
    "image": ("图片", "an image"),
    "binary": ("二进制数据", "binary data"),
    "text": ("纯文本", "plain text"),
}


def _wrong_extension(path: Path, actual: str) -> LoadError:
    zh_kind, en_kind = _KIND_NAMES[actual]
    return LoadError(
        path, "wrong_extension",
        f"的扩展名为 {path.suffix}，但内容实际是{zh_kind}",
        f"has the extension {path.suffix} but its content is {en_kind}",
        "请改为正确的扩展名后重新上传", "rename it with the right extension and upload it again",
    )


# --- loaders per format -----------------------------------------------------

def _decode_text(path: Path, data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LoadError(path, "bad_encoding", "不是 UTF-8 或 GB18030 编码的文本", "is not UTF-8 or GB18030 text",
                    "请另存为 UTF-8 编码", "save it as UTF-8")


def _visible(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def _pdf_text_pages(path: Path, data: bytes) -> list[str]:
    """Text layer of each page (pypdf), stripped."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # An empty user password still opens many "protected" PDFs.
            try:
                opened = reader.decrypt("")
            except Exception:  # missing crypto backend, unknown algorithm …
                opened = 0
            if not opened:
                raise LoadError(path, "encrypted_pdf", "是加密的 PDF，无法读取", "is an encrypted PDF and cannot be read",
                                "请去除密码保护后再上传", "remove the password protection and upload it again")
        # Some CJK fonts extract as UTF-16 with NUL padding; NULs are never text.
        return [(page.extract_text() or "").replace("\x00", "").strip() for page in reader.pages]
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise LoadError(path, "corrupt", f"已损坏，无法解析为 PDF（{type(exc).__name__}）",
                        f"is corrupt and cannot be parsed as PDF ({type(exc).__name__}: {exc})",
                        "请重新导出或获取原始文件", "export it again or obtain the original") from exc


def _ocr_possible(settings: "OCRSettings") -> bool:
    from assistant.kb.ocr import ocr_available

    return settings.enabled and ocr_available()


def _ocr_engine(settings: "OCRSettings"):
    """The OCR engine, or None when OCR is switched off or not installed."""
    from assistant.kb.ocr import OcrUnavailable, get_engine

    if not _ocr_possible(settings):
        return None
    try:
        return get_engine(settings)
    except OcrUnavailable:
        return None


def _ocr_state(settings: "OCRSettings") -> tuple[str, str]:
    if not settings.enabled:
        return "文字识别（OCR）已关闭", "OCR is switched off (ocr.enabled)"
    return "文字识别（OCR）组件不可用", "the OCR components (rapidocr-onnxruntime, pypdfium2) are not installed"


def _assemble(path: Path, fmt: str, page_texts: list[tuple[int, str, "OcrPage | None"]]) -> LoadedFile:
    """Join pages with a blank line; move each OCR line to its offset in the whole text."""
    pages: list[tuple[int, int]] = []
    parts: list[str] = []
    tables: list[list[list[str]]] = []
    ocr_pages: list[OcrPage] = []
    offset = 0
    for number, text, ocr_page in page_texts:
        pages.append((number, offset))
        parts.append(text)
        if ocr_page is not None:
            lines = [replace(line, start=line.start + offset, end=line.end + offset) for line in ocr_page.lines]
            ocr_pages.append(replace(ocr_page, lines=lines))
            tables.extend(ocr_page.tables)
        offset += len(text) + 2  # the "\n\n" joining pages
    return LoadedFile(path=path, text="\n\n".join(parts), format=fmt, pages=pages, tables=tables,
                      ocr_pages=ocr_pages)


def _no_text_found(path: Path) -> LoadError:
    return LoadError(path, "ocr_no_text", "经文字识别（OCR）仍未识别出文字（可能是空白页，或图像过于模糊、过暗）",
                     "has no text that OCR could recognise (blank pages, or the image is too blurred or dark)",
                     "请上传更清晰的扫描件（建议 200–300 dpi）或可复制文字的版本",
                     "upload a sharper scan (200–300 dpi) or a version with selectable text")


def _pages_to_recognise(data: bytes, short: list[int]) -> list[int]:
    """Of the pages with (almost) no text layer, those that draw an image: a short page
    without one (a cover, a signature page) has nothing to recognise."""
    from assistant.kb.ocr import pdf_pages_with_images

    try:
        with_images = pdf_pages_with_images(data, short)
    except Exception:  # pdfium cannot open what pypdf could: rendering will say why
        return short
    return [n for n in short if n in with_images]


def _load_pdf(path: Path, data: bytes, settings: "OCRSettings", progress: ProgressCallback | None,
              on_page: PageCallback | None) -> LoadedFile:
    texts = _pdf_text_pages(path, data)
    if not texts:
        raise LoadError(path, "empty", "是没有页面的 PDF", "is a PDF with no pages")
    little_text = sum(_visible(t) for t in texts) < MIN_CHARS_PER_PDF_PAGE * len(texts)
    short = [n for n, text in enumerate(texts, start=1) if _visible(text) < settings.min_text_chars]
    scanned = _pages_to_recognise(data, short) if short and _ocr_possible(settings) else short
    engine = _ocr_engine(settings) if scanned else None
    if scanned and engine is None:
        if little_text:
            zh_state, en_state = _ocr_state(settings)
            raise LoadError(path, "scanned_pdf", f"没有可提取的文字层（可能是扫描件），且{zh_state}",
                            f"has no text layer (probably a scanned image) and {en_state}",
                            "请开启 OCR 文字识别，或上传可复制文字的版本",
                            "switch OCR on, or upload a version with selectable text")
        scanned = []  # a few image-only pages among text pages: keep what the text layer has
    if not scanned and little_text:
        raise LoadError(path, "scanned_pdf", "没有可提取的文字层，页面中也没有可识别的图像（可能是空白页）",
                        "has no text layer and no images to recognise (blank pages?)",
                        "请检查是否上传了正确的文件", "check that you uploaded the right file")
    read: dict[int, OcrPage] = {}
    total, done = len(texts), len(texts) - len(scanned)
    if progress and done:
        progress(done, total)
    if scanned:
        from assistant.kb.ocr import pdf_page_colours, render_pdf_pages

        try:
            colours = pdf_page_colours(data, scanned)
            for number, image in render_pdf_pages(data, settings.dpi, scanned):
                read[number], straight = engine.run(image, page=number, dpi=settings.dpi, colour=colours.get(number))
                if on_page is not None:
                    on_page(read[number], straight)
                done += 1
                if progress:
                    progress(done, total)
        except LoadError:
            raise
        except Exception as exc:  # pdfium refuses a page pypdf could parse
            raise LoadError(path, "corrupt", f"的页面无法渲染为图像以进行文字识别（{type(exc).__name__}）",
                            f"has pages that cannot be rendered for OCR ({type(exc).__name__}: {exc})",
                            "请重新导出或获取原始文件", "export it again or obtain the original") from exc
    page_texts = [(n, read[n].text if n in read else text, read.get(n)) for n, text in enumerate(texts, start=1)]
    loaded = _assemble(path, "pdf", page_texts)
    if read and _visible(loaded.text) == 0:
        raise _no_text_found(path)
    return loaded


def _load_image(path: Path, data: bytes, settings: "OCRSettings", progress: ProgressCallback | None,
                on_page: PageCallback | None) -> LoadedFile:
    from PIL import UnidentifiedImageError

    from assistant.kb.ocr import image_frame_count, image_frames

    def corrupt(exc: Exception) -> LoadError:
        return LoadError(path, "corrupt", f"已损坏，无法作为图片读取（{type(exc).__name__}）",
                         f"is corrupt and cannot be read as an image ({type(exc).__name__}: {exc})",
                         "请重新扫描或导出图片", "scan or export the image again")

    try:
        total = image_frame_count(data)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise corrupt(exc) from exc
    engine = _ocr_engine(settings)
    if engine is None:
        zh_state, en_state = _ocr_state(settings)
        raise LoadError(path, "ocr_unavailable", f"是图片，需要文字识别（OCR）才能读取，但{zh_state}",
                        f"is an image and needs OCR to be read, but {en_state}",
                        "请开启 OCR，或上传可复制文字的 PDF/Word 版本",
                        "switch OCR on, or upload a PDF/Word version with selectable text")
    try:
        page_texts = []
        for number, (image, dpi, colour) in enumerate(image_frames(data), start=1):
            page, straight = engine.run(image, page=number, dpi=dpi or settings.dpi, colour=colour)
            if on_page is not None:
                on_page(page, straight)
            page_texts.append((number, page.text, page))
            if progress:
                progress(number, total)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise corrupt(exc) from exc
    loaded = _assemble(path, "image", page_texts)
    if _visible(loaded.text) == 0:
        raise _no_text_found(path)
    return loaded


def _cell_texts(row) -> list[str]:
    cells: list[str] = []
    previous = None
    for cell in row.cells:
        # Merged cells repeat the same cell object across the grid; keep one.
        if previous is not None and cell._tc is previous:
            continue
        previous = cell._tc
        cells.append(" ".join(cell.text.split()))
    return cells


def render_table_rows(rows: list[list[str]]) -> list[str]:
    """Render table rows so that each row stays meaningful alone.

    Two-column tables are key/value forms ("名称：某某协会"); wider tables use
    their first row as a header ("职务：理事长；姓名：张三").
    """
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return []
    width = max(len(r) for r in rows)
    if width <= 2:
        return ["：".join(c for c in r if c) for r in rows]
    header, body = rows[0], rows[1:]
    lines = ["｜".join(header)]
    for row in body:
        pairs = []
        for i, value in enumerate(row):
            if not value:
                continue
            key = header[i] if i < len(header) and header[i] else ""
            pairs.append(f"{key}：{value}" if key and key != value else value)
        lines.append("；".join(pairs))
    return lines


def _load_docx(path: Path, data: bytes) -> LoadedFile:
    import docx
    from docx.document import Document as DocxDocument
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document: DocxDocument = docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
        raise LoadError(path, "corrupt", "已损坏或不是有效的 Word (.docx) 文档",
                        f"is corrupt or not a valid Word (.docx) document ({type(exc).__name__})",
                        "请用 Word/WPS 打开后另存为 .docx", "open it in Word/WPS and save it again as .docx") from exc
    except Exception as exc:  # python-docx raises bare exceptions for odd packages
        raise LoadError(path, "corrupt", "无法解析为 Word 文档", f"cannot be parsed as a Word document ({exc})") from exc

    lines: list[str] = []
    tables: list[list[list[str]]] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if not text:
                lines.append("")
                continue
            style = (block.style.name if block.style is not None else "") or ""
            if style.lower().startswith("heading") or style.startswith("标题"):
                digits = "".join(ch for ch in style if ch.isdigit()) or "1"
                text = "#" * min(int(digits), 6) + " " + text  # a structure hint for the parser
            elif style.lower() == "title":
                text = "# " + text
            lines.append(text)
            lines.append("")
        elif isinstance(block, Table):
            rows = [_cell_texts(row) for row in block.rows]
            tables.append(rows)
            lines.extend(render_table_rows(rows))
            lines.append("")
    text = "\n".join(lines).strip()
    return LoadedFile(path=path, text=text, format="docx", tables=tables)


# Data files that are also knowledge (a rulebook's YAML rendered as Markdown):
# (accepts(path), render(path) -> Markdown, format name), registered by the domain.
_RENDERERS: list[tuple[Callable[[Path], bool], Callable[[Path], str], str]] = []


def register_renderer(accepts: Callable[[Path], bool], render: Callable[[Path], str], format_name: str) -> None:
    """Let ``load_file`` read the data files ``accepts`` recognises, as the Markdown ``render`` returns.

    A later registration for the same format replaces the earlier one.
    """
    _RENDERERS[:] = [r for r in _RENDERERS if r[2] != format_name]
    _RENDERERS.append((accepts, render, format_name))


def _load_data_file(path: Path) -> LoadedFile:
    for accepts, render, format_name in reversed(_RENDERERS):
        if not accepts(path):
            continue
        try:
            text = render(path)
        except LoadError:
            raise
        except Exception as exc:
            raise LoadError(path, f"bad_{format_name}", f"不是有效的数据文件（{exc}）",
                            f"is not a valid {format_name} file ({exc})") from exc
        return LoadedFile(path=path, text=text, format=format_name)
    raise LoadError(path, "unsupported_data", "是没有读取方式的 YAML 数据文件", "is a YAML data file that nothing reads",
                    "只有规则目录（rules）中的规则文件会被收入知识库", "only rulebook files (in a rules folder) are ingested")


def load_file(path: Path | str, ocr: "OCRSettings | None" = None, progress: ProgressCallback | None = None,
              on_page: PageCallback | None = None) -> LoadedFile:
    """Load one file. ``ocr``: OCR settings for scans (defaults when None); ``progress``
    is called with (pages done, pages in all) while a PDF or image is read; ``on_page``
    receives each OCR'd page with its straightened image (e.g. for seal detection)."""
    from assistant.settings import OCRSettings

    path = Path(path)
    ocr = ocr or OCRSettings()
    suffix = path.suffix.lower()
    if not path.exists():
        raise LoadError(path, "missing", "不存在", "does not exist")
    if path.is_dir():
        raise LoadError(path, "is_directory", "是一个文件夹，不是文件", "is a directory, not a file")
    if suffix not in SUPPORTED_SUFFIXES:
        hint_zh = "支持的格式：.txt、.md、.pdf、.docx，以及扫描图片 .png、.jpg、.tif"
        hint_en = "supported formats: .txt, .md, .pdf, .docx, and scanned images .png, .jpg, .tif"
        if suffix in {".doc", ".wps"}:
            hint_zh, hint_en = "请用 Word/WPS 另存为 .docx", "save it as .docx in Word/WPS"
        raise LoadError(path, "unsupported_type", f"的格式 {suffix or '（无扩展名）'} 不受支持",
                        f"has an unsupported type {suffix or '(no extension)'}", hint_zh, hint_en)
    data = path.read_bytes()
    if not data.strip():
        raise LoadError(path, "empty", "是空文件", "is empty", "请检查是否上传了正确的文件", "check that you uploaded the right file")

    actual = _sniff(data[:4096])
    expected = "image" if suffix in IMAGE_SUFFIXES else {"pdf": "pdf", "docx": "zip"}.get(suffix.lstrip("."), "text")
    if actual != expected:
        raise _wrong_extension(path, actual)

    if suffix == ".pdf":
        loaded = _load_pdf(path, data, ocr, progress, on_page)
    elif suffix in IMAGE_SUFFIXES:
        loaded = _load_image(path, data, ocr, progress, on_page)
    elif suffix == ".docx":
        loaded = _load_docx(path, data)
    elif suffix in {".yaml", ".yml"}:
        loaded = _load_data_file(path)
    else:
        text = _decode_text(path, data)
        loaded = LoadedFile(path=path, text=text, format="markdown" if suffix != ".txt" else "text")
    if not loaded.text.strip():
        raise LoadError(path, "empty", "中没有可读取的文字", "contains no readable text")
    return loaded


def load_document(path: Path | str, ocr: "OCRSettings | None" = None, progress: ProgressCallback | None = None,
                  on_page: PageCallback | None = None) -> tuple[ParsedDocument, LoadedFile]:
    """Load a file as a ``ParsedDocument`` (verbatim text, located headings), with the
    ``LoadedFile`` it came from, whose OCR lines are placed in the document's text.

    PDF text is repaired first: NULs some writers leave are dropped, and lines the
    page layout wrapped are re-joined, except on pages read by OCR (their text comes
    in paragraphs already). Arguments and errors as for ``load_file``.
    """
    path = Path(path)
    loaded = load_file(path, ocr=ocr, progress=progress, on_page=on_page)
    old_pages = list(loaded.pages)
    text, pages = drop_nuls(loaded.text, old_pages)
    if pages:
        text, pages = unwrap_pdf_lines(text, pages, keep_pages=[page.number for page in loaded.ocr_pages])
    if loaded.ocr_pages:
        # OCR'd pages are unchanged inside; they only move with the text before them.
        shift = {number: new - old for (number, old), (_, new) in zip(old_pages, pages)}
        moved = [replace(page, lines=[replace(line, start=line.start + shift[page.number],
                                              end=line.end + shift[page.number]) for line in page.lines])
                 for page in loaded.ocr_pages]
        loaded = replace(loaded, text=text, pages=pages, ocr_pages=moved)
    return parse_text(path.name, text, pages, loaded.tables), loaded


def read_document(path: Path | str, ocr: "OCRSettings | None" = None, progress: ProgressCallback | None = None,
                  on_page: PageCallback | None = None) -> ParsedDocument:
    """``load_document`` without the loaded file."""
    return load_document(path, ocr=ocr, progress=progress, on_page=on_page)[0]
