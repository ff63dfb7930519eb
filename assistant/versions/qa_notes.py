"""Notes for answers that cite a text no longer in force (“该条款已于…被修订”).

The retriever ranks superseded versions below the version in force, but an answer
may still have to cite one: the question was about the old rule, the new version
dropped the provision, or the user asked "as of" a past date. Such a citation must
say so. ``annotate_superseded`` is called by the Q&A service on every final answer.
"""

from __future__ import annotations

from typing import Any

from assistant.versions.asof import REPEALED, REVISED, UNKNOWN_END, date_int, parse_date, status_on

NOTE_PREFIX = "【效力提示】"


def _where(passage: Any) -> str:
    validity = passage.validity
    title = f"《{passage.title}》" if passage.title else passage.source
    version = validity.get("version_date") or passage.date
    label = f"{title}（{version}版）" if version else title
    location = getattr(passage, "location", "") or passage.article
    return f"{label}{' ' + location if location else ''}"


def _change(validity: dict, status: str) -> str:
    end = validity.get("valid_to", "")
    if status == REVISED:
        successor = validity.get("superseded_by_label", "")
        return f"该条款已于{end}被修订" + (f"，现行版本为{successor}" if successor else "")
    if end == UNKNOWN_END:
        return "该文件已被标注为废止"
    repealer = validity.get("repealed_by_label", "")
    return f"该条款已于{end}废止" + (f"（{repealer}）" if repealer else "")


def validity_notes(passages: list[Any], as_of=None) -> list[str]:
    """One note per cited passage that is revised or repealed on ``as_of`` (today), or in
    force on a past ``as_of`` but superseded since."""
    as_of_int, today_int = date_int(as_of), date_int(None)
    notes: list[str] = []
    for p in passages:
        validity = getattr(p, "validity", None) or {}
        if not validity:
            continue
        then, now = status_on(validity, as_of_int), status_on(validity, today_int)
        if then in (REVISED, REPEALED):
            notes.append(f"{NOTE_PREFIX}[{p.n}] {_where(p)}：{_change(validity, then)}；以上引用的是旧文本。")
        elif as_of_int < today_int and now in (REVISED, REPEALED):
            when = parse_date(as_of).isoformat()
            notes.append(f"{NOTE_PREFIX}[{p.n}] {_where(p)}：按 {when} 时有效的文本作答；{_change(validity, now)}。")
    return list(dict.fromkeys(notes))


def annotate_superseded(answer: Any, as_of=None) -> Any:
    """Append the validity notes of the answer's citations to its text (in place); returns it."""
    from dataclasses import replace

    # Numbered as the answer cites them (the citation's [n], not the passage's retrieval rank).
    passages = [replace(c.passage, n=c.n) for c in getattr(answer, "citations", []) or []]
    notes = validity_notes(passages, as_of)
    if notes:
        answer.answer = answer.answer.rstrip() + "\n\n" + "\n".join(notes)
    return answer
