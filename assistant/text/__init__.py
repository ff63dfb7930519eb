"""Chinese-text basics shared by every layer (the knowledge base, the rulebook,
drafting, checking, forms and Q&A). Nothing here knows about social
organizations or imports another part of the assistant.

  numerals      reading and writing Chinese numerals: 二十五, 叁万, 二〇二六, 第十一条,
                三分之二以上 / 过半数, "2/3"
  amounts       money: "3万元" / "人民币叁万元整" / "30,000元" → 元; 元 → "3万元" and 大写
  ids           居民身份证号码 (GB 11643) and 统一社会信用代码 (GB 32100) check characters
  dates         "2026年3月31日" / "2026-03-31" / 二〇二六年三月三十一日
  chars         full-width folding that keeps offsets
  sentences     sentence boundaries and splitting (。；！？ and line breaks)
  headings      heading grammar (第X章/节/条, 一、, （一）, 1., （1）, 附件) and 文号 / 令 numbers
  instructions  sentences addressed to the software instead of stating content (prompt injection)
  document      ParsedDocument: a document's verbatim text with located headings, lines and sentences
"""

from assistant.text.errors import FormatError

__all__ = ["FormatError"]
