"""Loader stage: turn a file on disk into plain text (+ page offsets and tables).

Supported: .txt, .md, .pdf (pypdf), .docx (python-docx, tables included), and
.yaml data files that a registered renderer turns into Markdown (the domain's
rulebook registers one, see ``register_renderer``; the framework itself knows
no data format). Every failure is a ``LoadError`` whose message names the
file, the problem and what to do, in Chinese and English; callers decide
whether to stop or carry on. ``read_document`` loads a file as the verbatim
``ParsedDocument`` that checkers quote from.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from assistant.text.document import ParsedDocument, drop_nuls, parse_text, unwrap_pdf_lines

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | {".pdf", ".docx", ".yaml", ".yml"}

# A PDF whose pages yield fewer visible characters than this on average is
# treated as scanned (image-only): ingesting it would index nothing useful.
MIN_CHARS_PER_PDF_PAGE = 15


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
    format: str  # "text" | "markdown" | "pdf" | "docx" | "rulebook"
    pages: list[tuple[int, int]] = field(default_factory=list)  # (1-based page, start offset in text)
    tables: list[list[list[str]]] = field(default_factory=list)

    def page_at(self, offset: int) -> int:
        """1-based PDF page holding ``offset``; 0 for formats without pages."""
        page = 0
        for number, start in self.pages:
            if start <= offset:
                page = number
            else:
                break
        return page


# --- content sniffing ------------------------------------------------------

def _sniff(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"  # legacy .doc / .xls
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
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


def _load_pdf(path: Path, data: bytes) -> LoadedFile:
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
        pages: list[tuple[int, int]] = []
        parts: list[str] = []
        offset = 0
        for number, page in enumerate(reader.pages, start=1):
            # Some CJK fonts extract as UTF-16 with NUL padding; NULs are never text.
            page_text = (page.extract_text() or "").replace("\x00", "").strip()
            pages.append((number, offset))
            parts.append(page_text)
            offset += len(page_text) + 2  # the "\n\n" joining pages
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise LoadError(path, "corrupt", f"已损坏，无法解析为 PDF（{type(exc).__name__}）",
                        f"is corrupt and cannot be parsed as PDF ({type(exc).__name__}: {exc})",
                        "请重新导出或获取原始文件", "export it again or obtain the original") from exc
    text = "\n\n".join(parts)
    visible = sum(1 for ch in text if not ch.isspace())
    if not pages:
        raise LoadError(path, "empty", "是没有页面的 PDF", "is a PDF with no pages")
    if visible < MIN_CHARS_PER_PDF_PAGE * len(pages):
        raise LoadError(path, "scanned_pdf", "没有可提取的文字层（可能是扫描件）",
                        "has no text layer (probably a scanned image)",
                        "请先进行 OCR 文字识别，或上传可复制文字的版本",
                        "run OCR on it first, or upload a version with selectable text")
    return LoadedFile(path=path, text=text, format="pdf", pages=pages)


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


def load_file(path: Path | str) -> LoadedFile:
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise LoadError(path, "missing", "不存在", "does not exist")
    if path.is_dir():
        raise LoadError(path, "is_directory", "是一个文件夹，不是文件", "is a directory, not a file")
    if suffix not in SUPPORTED_SUFFIXES:
        hint_zh, hint_en = "支持的格式：.txt、.md、.pdf、.docx", "supported formats: .txt, .md, .pdf, .docx"
        if suffix in {".doc", ".wps"}:
            hint_zh, hint_en = "请用 Word/WPS 另存为 .docx", "save it as .docx in Word/WPS"
        raise LoadError(path, "unsupported_type", f"的格式 {suffix or '（无扩展名）'} 不受支持",
                        f"has an unsupported type {suffix or '(no extension)'}", hint_zh, hint_en)
    data = path.read_bytes()
    if not data.strip():
        raise LoadError(path, "empty", "是空文件", "is empty", "请检查是否上传了正确的文件", "check that you uploaded the right file")

    actual = _sniff(data[:4096])
    expected = {"pdf": "pdf", "docx": "zip"}.get(suffix.lstrip("."), "text")
    if actual != expected:
        raise _wrong_extension(path, actual)

    if suffix == ".pdf":
        loaded = _load_pdf(path, data)
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


def read_document(path: Path | str) -> ParsedDocument:
    """Load a file and read it as a ``ParsedDocument`` (verbatim text, located headings).

    PDF text is repaired first: NULs some writers leave are dropped, and lines the
    page layout wrapped are re-joined. Raises ``LoadError`` like ``load_file``.
    """
    path = Path(path)
    loaded = load_file(path)
    text, pages = drop_nuls(loaded.text, list(loaded.pages))
    if pages:
        text, pages = unwrap_pdf_lines(text, pages)
    return parse_text(path.name, text, pages, loaded.tables)
