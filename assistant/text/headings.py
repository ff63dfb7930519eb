"""The heading grammar of Chinese official documents, and document numbers.

Two readings of the same grammar, named by who needs them:

* strict (the knowledge base's outline): a heading is recognised only at the very
  start of a cleaned paragraph, with the numerals official notices use
  (一、 （一） 1. （1）; 第X章 / 第X节 / 第X条);
* loose (reading a filing line by line, where OCR and typists vary): leading
  blanks allowed, 零〇百千两 accepted, 一. and 一． as well as 一、, and the title
  after the number captured.

文号: 沪民社登发〔2026〕1号 (brackets 〔〕［］【】（）), and 令 numbers: 民政部令第69号.
"""

from __future__ import annotations

import re

CN_DIGITS = "零〇一二三四五六七八九十百千两"  # numerals that number chapters and articles
_ITEM_DIGITS = "一二三四五六七八九十"  # numerals that number notice items

# --- strict: the knowledge base's outline ----------------------------------------------
RE_CHAPTER = re.compile(rf"^第[{CN_DIGITS}\d]+章")
RE_SECTION = re.compile(rf"^第[{CN_DIGITS}\d]+节")
RE_ARTICLE = re.compile(rf"^第[{CN_DIGITS}\d]+条")
RE_CN_NUM = re.compile(rf"^[{_ITEM_DIGITS}]+、")
RE_PAREN_CN = re.compile(rf"^[（(][{_ITEM_DIGITS}]+[）)]")
RE_ARABIC = re.compile(r"^\d{1,2}[\.．、](?!\d)")
RE_PAREN_ARABIC = re.compile(r"^[（(]\d{1,2}[）)]")
RE_BARE_ARTICLE = re.compile(rf"第[{CN_DIGITS}\d]+条")  # an article label standing alone

# --- loose: a filing read line by line ------------------------------------------------------
CHAPTER_LINE_RE = re.compile(rf"^\s*第[{CN_DIGITS}\d]+章\s*(?P<title>.*)$")
SECTION_LINE_RE = re.compile(rf"^\s*第[{CN_DIGITS}\d]+节\s*(?P<title>.*)$")
ARTICLE_LINE_RE = re.compile(rf"^\s*(?P<label>第[{CN_DIGITS}\d]+条)")
CN_HEADING_LINE_RE = re.compile(rf"^\s*[{CN_DIGITS}]+\s*[、.．]\s*(?P<title>.+)$")
PAREN_HEADING_LINE_RE = re.compile(rf"^\s*[（(][{CN_DIGITS}\d]+[）)]\s*(?P<title>.+)$")
ATTACHMENT_LINE_RE = re.compile(r"^\s*附件\s*[\d一二三四五六七八九十]*\s*[:：]?\s*(?P<title>.*)$")
ATTACHMENT_LABEL_RE = re.compile(r"附件\s*[\d一二三四五六七八九十]*")

# --- document numbers --------------------------------------------------------------------
DOC_NUMBER_BRACKETS = "〔［[【（("
RE_DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,12}[〔［\[【（(]\d{4}[〕］\]】）)]\s*第?\d+\s*号")
RE_DECREE_NUMBER = re.compile(r"(?:中华人民共和国)?([\u4e00-\u9fa5]{2,12}令第[\d一二三四五六七八九十百零〇]+号)")
