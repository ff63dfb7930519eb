"""Which version is in force on a date, read from flat chunk metadata.

A leaf module (no imports from the rest of the package): the retriever and the
Q&A notes use it on the metadata that ``kbsync`` writes into every chunk:

    valid_from_int   first day in force, yyyymmdd (0: unknown, treated as always)
    valid_to_int     first day no longer in force (0: open-ended)
    superseded_by    source of the next version ("" when none)
    repealed_by      source or title of the repealing text ("" when none)

Chunks without these keys (an index built before validity existed) count as in force.
"""

from __future__ import annotations

from datetime import date, datetime

IN_FORCE = "现行有效"
REVISED = "已修订"
REPEALED = "已废止"
NOT_YET = "尚未施行"
STATUSES = (IN_FORCE, REVISED, REPEALED, NOT_YET)
# valid_to of a document the user marked repealed without giving a date.
UNKNOWN_END = "0001-01-01"
# The validity keys of chunk metadata (written by kbsync.py, read here and by the Q&A notes).
METADATA_KEYS = ("valid_from", "valid_from_int", "valid_to", "valid_to_int", "version_of", "version_date",
                 "superseded_by", "superseded_by_label", "superseded_on", "repealed_by", "repealed_by_label",
                 "validity_set_by")


def today() -> date:
    return date.today()


def parse_date(value) -> date | None:
    """"2020-01-01", "2020年1月1日", a date, 20200101 → date; None or "" → None (raises on nonsense)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int):
        value = str(value)
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"日期“{text}”无法识别，请写成 YYYY-MM-DD / cannot read the date '{text}': use YYYY-MM-DD")


def date_int(value) -> int:
    """yyyymmdd of a date; today for None."""
    d = parse_date(value) or today()
    return d.year * 10000 + d.month * 100 + d.day


def iso_int(iso: str) -> int:
    return int(iso.replace("-", "")) if iso else 0


def status_on(metadata: dict, as_of_int: int) -> str:
    """现行有效 / 已修订 / 已废止 / 尚未施行 of a chunk's (or a document's) validity on a date."""
    start = int(metadata.get("valid_from_int") or 0)
    end = int(metadata.get("valid_to_int") or 0)
    if start and as_of_int < start:
        return NOT_YET
    if end and as_of_int >= end:
        if metadata.get("superseded_by") and not metadata.get("repealed_by"):
            return REVISED
        return REPEALED
    return IN_FORCE


def version_weight(metadata: dict, as_of_int: int, superseded_weight: float) -> float:
    """Ranking weight of a chunk on a date: 1 in force, 0 not yet in force (excluded),
    ``superseded_weight`` once revised or repealed (0 excludes those too)."""
    status = status_on(metadata, as_of_int)
    if status == IN_FORCE:
        return 1.0
    if status == NOT_YET:
        return 0.0
    return max(0.0, superseded_weight)
