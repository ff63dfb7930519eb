"""Problems found in the input: one per file, row and column, in Chinese and English.

A problem never stops the screening: the row (or the value, or the column) it names is left out
and everything else is screened. ``severity``: "error" (a row or a table was left out), "warning"
(a value was left out or a column is missing, so some indicators could not be judged), "notice"
(a value was read in a form that needs a second look: a GBK file, 2024年3月, 8.45万元).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "notice": "提示"}


@dataclass
class InputProblem:
    file: str  # file name as the user knows it (with the sheet for XLSX: 登记信息.xlsx［登记信息］)
    kind: str  # encoding, merged_header, unknown_column, missing_column, date_*, amount_format, duplicate_code, …
    zh: str
    en: str
    severity: str = "warning"
    line: int | None = None  # the line as the spreadsheet shows it (CSV file line, Excel row)
    row: int | None = None  # 1-based data row (header rows not counted)
    column: str | None = None  # the column's header as written in the file (or a cell range such as L1:O1)
    value: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def _where(self, chinese: bool) -> str:
        cell = self.column and re.fullmatch(r"[A-Z]+\d+:[A-Z]+\d+", self.column)
        if chinese:
            parts = [self.file if self.file.startswith("（") else f"文件“{self.file}”",
                     f"第{self.line}行" if self.line is not None else "",
                     (f"单元格{self.column}" if cell else f"「{self.column}」列") if self.column else ""]
            return "".join(parts)
        parts = ["all files" if self.file.startswith("（") else f"file '{self.file}'",
                 f"line {self.line}" if self.line is not None else "",
                 (f"cells {self.column}" if cell else f"column '{self.column}'") if self.column else ""]
        return ", ".join(p for p in parts if p)

    @property
    def where_zh(self) -> str:
        return self._where(True)

    @property
    def where_en(self) -> str:
        return self._where(False)

    @property
    def message(self) -> str:
        value = f"（“{self.value}”）" if self.value not in (None, "") else ""
        value_en = f" ('{self.value}')" if self.value not in (None, "") else ""
        return f"{self.where_zh}{value}：{self.zh} / {self.where_en}{value_en}: {self.en}"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "kind": self.kind, "severity": self.severity, "line": self.line, "row": self.row,
                "column": self.column, "value": self.value, "message": self.message, "zh": self.zh, "en": self.en,
                **self.extra}
