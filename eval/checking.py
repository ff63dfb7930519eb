"""Filing-checker evaluation: `python -m eval checking [--cases DIR] [--out DIR] [--no-semantic] [--json] [--scans]`.

Each case in eval/data/checking/cases/*.yaml builds one filing from the text
sources in eval/data/checking/sources/ (as txt, docx or pdf, with items removed
or numbers changed as the case says), runs the checker on it, and compares the
findings with the case's expected findings.

Reported: recall and precision of findings (overall and per category: removed
items, thresholds, names, signatures, consistency, materials), false alarms on
complete filings, kind / org-type detection accuracy, and seconds per document.
The repo keeps only text; the docx/pdf files are generated here at run time.

`--scans` adds the scanned, photographed and bundled filings of issue #14
(eval/checking_scans.py): findings as above, plus seal and signature detection
against the ground truth of every rendered page.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data" / "checking"
CJK_FONT_CANDIDATES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
)
_CHAPTER_RE = re.compile(r"^\s*第[一二三四五六七八九十百]+章")
_ARTICLE_RE = re.compile(r"^\s*第[一二三四五六七八九十百]+条")
_TABLE_ROW_RE = re.compile(r"^([^:：；\s]{1,10}: [^；]+；)+[^:：；\s]{1,10}: [^；]+$")


# --- building filings -------------------------------------------------------

def transform(text: str, spec: dict) -> str:
    """Apply a case's edits: remove chapters/articles/lines, replace text, append text."""
    lines = text.split("\n")
    for word in spec.get("remove_chapters") or []:
        out, skipping = [], False
        for line in lines:
            if _CHAPTER_RE.match(line):
                skipping = word in line
            if not skipping:
                out.append(line)
        lines = out
    for label in spec.get("remove_articles") or []:
        out, skipping = [], False
        for line in lines:
            if _ARTICLE_RE.match(line) or _CHAPTER_RE.match(line):
                skipping = line.strip().startswith(label + " ") or line.strip() == label
            if not skipping:
                out.append(line)
        lines = out
    for pattern in spec.get("remove_lines") or []:
        lines = [line for line in lines if not re.search(pattern, line)]
    text = "\n".join(lines)
    for old, new in spec.get("replace") or []:
        if old not in text:
            raise ValueError(f"case edit: text to replace not found: {old!r}")
        text = text.replace(old, new)
    if spec.get("append"):
        text = text.rstrip("\n") + "\n\n" + spec["append"].strip() + "\n"
    return text


def write_txt(text: str, path: Path) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def write_docx(text: str, path: Path) -> Path:
    """One paragraph per line; runs of "表头: 值；表头: 值" lines become a real table."""
    from docx import Document

    document = Document()
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if _TABLE_ROW_RE.match(line.strip()):
            rows = []
            while i < len(lines) and _TABLE_ROW_RE.match(lines[i].strip()):
                rows.append([cell.split(": ", 1) for cell in lines[i].strip().split("；")])
                i += 1
            header = [k for k, _ in rows[0]]
            table = document.add_table(rows=1 + len(rows), cols=len(header))
            for c, h in enumerate(header):
                table.cell(0, c).text = h
            for r, row in enumerate(rows, start=1):
                for c, (_, value) in enumerate(row[:len(header)]):
                    table.cell(r, c).text = value
            continue
        if line.strip():
            document.add_paragraph(line)
        i += 1
    document.save(str(path))
    return path


def cjk_font() -> Path:
    for candidate in CJK_FONT_CANDIDATES:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("no CJK font for PDF generation (install fonts-noto-cjk)")


_PDF_FONT: Path | None = None


def make_pdf_font(chars: str, out_path: Path) -> Path:
    """A small TrueType (glyf) CJK font holding just ``chars``, made from the system Noto CJK.

    fpdf2 embeds the CFF-based Noto CJK fonts with a custom CMap encoding that
    pypdf (which the loader uses) decodes one byte at a time, garbling every
    glyph past the first 256. A glyf font is embedded as Identity-H, which pypdf
    reads correctly. Subsetting first keeps the conversion to a few seconds.
    """
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    source = cjk_font()
    font = TTFont(str(source), fontNumber=2 if source.suffix == ".ttc" else -1)  # 2 = the SC face
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted({ord(c) for c in chars + "".join(map(chr, range(32, 127)))}))
    subsetter.subset(font)
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours", "maxTwilightPoints",
                 "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
                 "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.numGlyphs = len(order)
    font["maxp"] = maxp
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"
    font.save(str(out_path))
    return out_path


def use_pdf_font(path: Path) -> None:
    global _PDF_FONT
    _PDF_FONT = path


def write_pdf(text: str, path: Path) -> Path:
    from fpdf import FPDF

    if _PDF_FONT is None:  # one-off use: a font for this text only
        use_pdf_font(make_pdf_font(text, path.with_suffix(".font.ttf")))
    pdf = FPDF()
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.add_font("cjk", fname=str(_PDF_FONT))
    pdf.set_font("cjk", size=11)
    for line in text.split("\n"):
        if line.strip():
            pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(3)
    pdf.output(str(path))
    return path


WRITERS = {"txt": write_txt, "docx": write_docx, "pdf": write_pdf}


def build_case_files(case: dict, sources_dir: Path, out_dir: Path) -> list[Path]:
    paths = []
    for spec in case["files"]:
        text = transform((sources_dir / spec["source"]).read_text(encoding="utf-8"), spec)
        fmt = spec.get("format", "txt")
        name = spec.get("name") or f"{Path(spec['source']).stem}.{fmt}"
        if "raw_bytes" in spec:  # a deliberately broken file
            path = out_dir / name
            path.write_bytes(spec["raw_bytes"].encode("latin-1"))
        else:
            path = WRITERS[fmt](text, out_dir / name)
        paths.append(path)
    return paths


def load_cases(cases_dir: Path) -> list[tuple[str, dict]]:
    return [(p.stem, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in sorted(cases_dir.glob("*.yaml"))]


# --- scoring -------------------------------------------------------------------

def score(results: list[dict]) -> dict:
    tp = fp = fn = 0
    per_category: dict[str, Counter] = {}
    false_alarms_complete = 0
    complete_cases = 0
    for r in results:
        expected = {f["rule_id"]: f.get("category", "other") for f in r["expected"]}
        predicted = set(r["predicted"])
        for rule_id, category in expected.items():
            c = per_category.setdefault(category, Counter())
            if rule_id in predicted:
                tp += 1
                c["tp"] += 1
            else:
                fn += 1
                c["fn"] += 1
        extra = predicted - set(expected)
        fp += len(extra)
        if not expected:
            complete_cases += 1
            false_alarms_complete += len(r["predicted"])
    recall = tp / (tp + fn) if tp + fn else 1.0
    precision = tp / (tp + fp) if tp + fp else 1.0
    return {
        "recall": recall,
        "precision": precision,
        "true_positives": tp,
        "false_negatives": fn,
        "false_positives": fp,
        "recall_by_category": {k: (v["tp"] / (v["tp"] + v["fn"]) if v["tp"] + v["fn"] else 1.0)
                               for k, v in sorted(per_category.items())},
        "complete_cases": complete_cases,
        "false_alarms_on_complete": false_alarms_complete,
    }


def run(cases_dir: Path, checker, work_dir: Path, sources_dir: Path) -> tuple[list[dict], dict]:
    results = []
    total_seconds = 0.0
    total_docs = 0
    cases = load_cases(cases_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    chars = "".join(p.read_text(encoding="utf-8") for p in sorted(sources_dir.glob("*.txt")))
    chars += "".join(p.read_text(encoding="utf-8") for p in sorted(cases_dir.glob("*.yaml")))
    use_pdf_font(make_pdf_font(chars, work_dir / "cjk-subset.ttf"))
    for case_id, case in cases:
        case_dir = work_dir / case_id
        case_dir.mkdir(parents=True, exist_ok=True)
        paths = build_case_files(case, sources_dir, case_dir)
        started = time.perf_counter()
        result = checker.check_files(paths, kind=case.get("given_kind"), org_type=case.get("given_org_type"))
        elapsed = time.perf_counter() - started
        total_seconds += elapsed
        total_docs += len(paths)
        expected = case.get("expected") or {}
        results.append({
            "case": case_id,
            "formats": sorted({p.suffix.lstrip(".") for p in paths}),
            "kind": result.kind, "org_type": result.org_type,
            "kind_ok": expected.get("kind") in (None, result.kind),
            "org_type_ok": expected.get("org_type") in (None, result.org_type),
            "expected": expected.get("findings") or [],
            "predicted": [f.rule_id for f in result.findings],
            "errors": [e["file"] for e in result.errors],
            "errors_ok": sorted(expected.get("unreadable") or []) == sorted(e["file"] for e in result.errors),
            "seconds": round(elapsed, 3),
            "documents": len(paths),
        })
    summary = score(results)
    summary.update({
        "cases": len(results),
        "documents": total_docs,
        "seconds_per_document": total_seconds / total_docs if total_docs else 0.0,
        "kind_accuracy": sum(r["kind_ok"] for r in results) / len(results) if results else 1.0,
        "org_type_accuracy": sum(r["org_type_ok"] for r in results) / len(results) if results else 1.0,
        "unreadable_handled": all(r["errors_ok"] for r in results),
        "kinds_covered": sorted({r["kind"] for r in results}),
        "org_types_covered": sorted({r["org_type"] for r in results}),
        "formats_covered": sorted({f for r in results for f in r["formats"]}),
    })
    return results, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval checking", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=Path, default=DATA_DIR / "cases")
    parser.add_argument("--sources", type=Path, default=DATA_DIR / "sources")
    parser.add_argument("--out", type=Path, help="keep the generated filings here (default: a temporary folder)")
    parser.add_argument("--no-semantic", action="store_true", help="structure and key phrases only (no embeddings)")
    parser.add_argument("--json", action="store_true", help="print per-case results and the summary as JSON")
    parser.add_argument("--scans", action="store_true",
                        help="also check the scanned, photographed and bundled filings (eval/data/checking_scans; "
                             "making their files takes 2-3 minutes, OCR a few seconds a page)")
    parser.add_argument("--only-scans", action="store_true", help="only the scanned and bundled filings")
    parser.add_argument("--reuse-scans", action="store_true",
                        help="with --out: use the scan files made there by an earlier run")
    args = parser.parse_args(argv)

    from assistant.services import Services

    services = Services()
    if args.no_semantic:
        from assistant.checking.service import CheckingService

        checker = CheckingService(services.settings, embeddings_factory=None)
    else:
        checker = services.checker
    ok = True
    output: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        work_dir = args.out or Path(tmp)
        work_dir.mkdir(parents=True, exist_ok=True)
        if not args.only_scans:
            results, summary = run(args.cases, checker, work_dir / "text", args.sources)
            output.update({"cases": results, "summary": summary})
            if not args.json:
                print_text_report(results, summary)
            ok = summary["recall"] == 1.0 and summary["false_alarms_on_complete"] == 0
        if args.scans or args.only_scans:
            from eval import checking_scans

            scan_results, scan_summary = checking_scans.run(checker, work_dir / "scans", reuse=args.reuse_scans)
            output.update({"scan_cases": scan_results, "scan_summary": scan_summary})
            if not args.json:
                print()
                checking_scans.print_report(scan_results, scan_summary)
            totals = scan_summary["sets"]["all"]
            ok = ok and totals["recall"] >= 0.95 and totals["false_alarms_on_complete"] == 0
    if args.json:
        print(json.dumps(output, ensure_ascii=False, indent=1))
    return 0 if ok else 1


def print_text_report(results: list[dict], summary: dict) -> None:
    for r in results:
        missed = [f["rule_id"] for f in r["expected"] if f["rule_id"] not in r["predicted"]]
        extra = [x for x in r["predicted"] if x not in {f["rule_id"] for f in r["expected"]}]
        flag = "ok " if not missed and not extra and r["kind_ok"] and r["org_type_ok"] else "ERR"
        print(f"{flag} {r['case']:<40} {r['kind']:<16} {r['org_type']:<6} {','.join(r['formats']):<12} "
              f"{r['seconds']:.2f}s missed={missed} extra={extra}")
    print()
    print(f"cases {summary['cases']}, documents {summary['documents']}")
    print(f"recall {summary['recall']:.3f}  precision {summary['precision']:.3f}  "
          f"(tp {summary['true_positives']}, fn {summary['false_negatives']}, fp {summary['false_positives']})")
    for category, value in summary["recall_by_category"].items():
        print(f"  recall[{category}] {value:.3f}")
    print(f"false alarms on {summary['complete_cases']} complete filings: {summary['false_alarms_on_complete']}")
    print(f"kind accuracy {summary['kind_accuracy']:.3f}, org-type accuracy {summary['org_type_accuracy']:.3f}, "
          f"unreadable files handled: {summary['unreadable_handled']}")
    print(f"seconds per document {summary['seconds_per_document']:.3f}")
