"""Chinese fonts in python-docx, shared by every DOCX we write (charters, forms, review reports).

Word picks the font for Chinese characters from the ``w:eastAsia`` attribute of
``w:rFonts``; python-docx's ``font.name`` only sets the Latin font, so we set
eastAsia explicitly and drop the theme-font attributes that would override it.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

BODY_FONT = "仿宋"  # FangSong, the customary body font of official Chinese documents
HEADING_FONT = "黑体"  # SimHei for titles and headings
LATIN_FONT = "Times New Roman"


def set_fonts(target, east_asia: str, size_pt: float | None = None, bold: bool | None = None,
              latin: str = LATIN_FONT) -> None:
    """Latin and East-Asian font (and optionally size and weight) on a style or a run."""
    target.font.name = latin
    if size_pt:
        target.font.size = Pt(size_pt)
    if bold is not None:
        target.font.bold = bold
    rpr = target.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
