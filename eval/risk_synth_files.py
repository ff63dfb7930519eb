"""File writers for eval/risk_synth.py: CSV, a standard-library XLSX writer, bad inputs, report documents.

XLSX is written with zipfile + XML (no openpyxl in the project environment): inline strings, numbers,
dates as Excel serials with a yyyy-mm-dd format, merged cells, fixed zip timestamps (byte-identical
reruns). The annual-report documents keep their text in eval/data/risk_reports/*.txt; DOCX and PDF
copies are rendered here at run time (PDF only where a Noto CJK font is installed).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

REPORTS_SRC = Path(__file__).resolve().parent / "data" / "risk_reports"
EPOCH = dt.date(1899, 12, 30)
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def cell_text(v) -> str:
    return "" if v is None else v.isoformat() if isinstance(v, dt.date) else str(v)


def write_rows(path: Path, header: list, rows: list, encoding="utf-8-sig") -> None:
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def write_table(path: Path, cols: dict, rows: list) -> None:
    write_rows(path, list(cols.values()), [[cell_text(r[k]) for k in cols] for r in rows])


# ---- XLSX -----------------------------------------------------------------------------------
def col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        s = chr(65 + rem) + s
    return s


def sheet_xml(rows: list, merges: list) -> str:
    out = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, v in enumerate(row):
            ref = f"{col_letter(c)}{r}"
            if v is None or v == "":
                continue
            if isinstance(v, dt.date):
                cells.append(f'<c r="{ref}" s="1"><v>{(v - EPOCH).days}</v></c>')
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    merge = f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges) + \
        "</mergeCells>" if merges else ""
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{NS}"><sheetData>' \
           f'{"".join(out)}</sheetData>{merge}</worksheet>'


STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{NS}">'
          '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
          '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
          '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def write_xlsx_raw(path: Path, sheets: list) -> None:
    """sheets: [(name, rows as lists of values, merged ranges like 'A1:C1')]."""
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    names = "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, (n, _, _) in enumerate(sheets, 1))
    rels = "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(sheets) + 1))
    parts = {
        "[Content_Types].xml": head + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/>' +
        "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{CT}.worksheet+xml"/>'
                for i in range(1, len(sheets) + 1)) + "</Types>",
        "_rels/.rels": head + f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
        f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": head + f'<workbook xmlns="{NS}" xmlns:r="{REL}"><sheets>{names}</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": head + f'<Relationships xmlns="{PKG}">{rels}'
        f'<Relationship Id="rIdS" Type="{REL}/styles" Target="styles.xml"/></Relationships>',
        "xl/styles.xml": STYLES,
    }
    for i, (_, rows, merges) in enumerate(sheets, 1):
        parts[f"xl/worksheets/sheet{i}.xml"] = sheet_xml(rows, merges)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), text.encode("utf-8"), zipfile.ZIP_DEFLATED)


def write_xlsx(path: Path, sheets: list) -> None:
    """sheets: [(name, column map, rows of internal dicts)]: one header row, typed cells."""
    write_xlsx_raw(path, [(n, [list(cols.values())] + [[r[k] for k in cols] for r in rows], [])
                          for n, cols, rows in sheets])


def read_xlsx(path: Path) -> list:
    """Minimal reader for what write_xlsx_raw writes (used by the self-check): sheets of cell dicts."""
    import xml.etree.ElementTree as ET
    out = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if n.startswith("xl/worksheets/")):
            root = ET.fromstring(z.read(name))
            cells = {}
            for c in root.iter(f"{{{NS}}}c"):
                t = c.find(f"{{{NS}}}is/{{{NS}}}t")
                v = c.find(f"{{{NS}}}v")
                cells[c.get("r")] = t.text if t is not None else (
                    EPOCH + dt.timedelta(days=int(v.text)) if c.get("s") == "1" else int(v.text))
            merges = [m.get("ref") for m in root.iter(f"{{{NS}}}mergeCell")]
            out.append((cells, merges))
    return out


# ---- bad inputs -----------------------------------------------------------------------------
MERGED_GROUPS = [  # top header (merged across) -> {key: leaf header}
    ("慈善组织与公开募捐", {"charity": "是否认定为慈善组织", "public": "是否具有公开募捐资格",
                   "public_since": "资格取得日期", "last_fund": "最近一次公开募捐日期"}),
    ("换届情况", {"term_no": "本届届次", "term_start": "本届起始日期", "term_years": "届期（年）",
              "last_election": "最近换届日期", "ext_approved": "延期批准日期", "ext_until": "延期截止日期"}),
    ("法定代表人（负责人）", {"rep": "姓名", "rep_title": "职务", "rep_birth": "出生日期", "rep_terms": "连续任职届数",
                    "rep_approval": "超龄超届任职批准情况", "rep_other": "兼任其他社会组织法定代表人",
                    "rep_other_type": "兼任组织类型"}),
    ("党建", {"party_members": "正式党员人数", "party": "党组织建立情况"}),
    ("年检", {"last_check_year": "最近年检年度", "last_check": "最近年检结论"}),
    ("活动异常名录", {"listed": "列入日期", "listed_reason": "列入事由", "delisted": "移出日期"}),
    ("责令整改", {"rect_date": "责令整改日期", "rect_reason": "整改事由", "rect_deadline": "整改期限",
              "rect_status": "完成情况", "rect_done": "完成日期"}),
    ("住所核查", {"contact": "联系状态", "contact_checked": "最近核查日期"}),
    ("评估", {"grade": "评估等级", "grade_date": "评估日期", "apply_grade": "本年度是否申报评估"}),
]


def merged_header(REG: dict):
    keys = list(REG)
    top, leaf, merges, mapping, problems = [], [], [], {}, []
    group_of = {k: (g, leafs[k]) for g, leafs in MERGED_GROUPS for k in leafs}
    for i, k in enumerate(keys):
        g, lf = group_of.get(k, (None, None))
        top.append(g if g and (i == 0 or group_of.get(keys[i - 1], (None,))[0] != g) else None if g else REG[k])
        leaf.append(lf)
        if g:
            mapping[f"{g}/{lf}"] = REG[k]
        else:
            merges.append(f"{col_letter(i)}1:{col_letter(i)}2")
    for g, leafs in MERGED_GROUPS:
        idx = [keys.index(k) for k in leafs]
        rng = f"{col_letter(min(idx))}1:{col_letter(max(idx))}1"
        merges.append(rng)
        problems.append({"excel_row": 1, "column": rng, "kind": "merged_header",
                         "description": f"合并表头「{g}」横跨 {len(idx)} 列，第2行为子列名：{'、'.join(leafs.values())}"})
    return top, leaf, merges, mapping, problems


def wan(v: int) -> str:
    s = f"{v / 10000:.2f}".rstrip("0").rstrip(".")
    return s + "万元"


def write_bad_inputs(d: Path, orgs: list, truth: dict, REG: dict, ANN: dict) -> None:
    d.mkdir(parents=True, exist_ok=True)
    regs = [o["r"] for o in orgs]
    header = list(REG.values())
    rows = lambda: [[cell_text(r[k]) for k in REG] for r in regs]
    clean = [i for i, r in enumerate(regs) if r["code"] in set(truth["clean"])]
    n, exp = len(regs), {}
    note = "screen each registry file with ../annual.csv and ../penalties.csv (annual_amounts.csv with ../registry.csv)"

    def entry(name, problems, valid, **kw):
        exp[name] = dict(problems=problems, valid_rows=valid, **kw)

    write_rows(d / "registry_gbk.csv", header, rows(), encoding="gbk")
    entry("registry_gbk.csv", [{"row": None, "column": None, "kind": "encoding",
                                "description": "整个文件为 GBK 编码（无 BOM），按 UTF-8 读取会报错或乱码"}], n, encoding="gbk")
    top, leaf, merges, mapping, problems = merged_header(REG)
    data = [[r[k] for k in REG] for r in regs]
    write_xlsx_raw(d / "registry_merged_header.xlsx", [("登记信息", [top, leaf] + data, merges)])
    entry("registry_merged_header.xlsx", problems, n, header_rows=2, first_data_excel_row=3, column_mapping=mapping)

    date_rows, probs, rr = rows(), [], [i for i in range(n) if i not in clean[:6]]
    col = {k: list(REG).index(k) for k in REG}
    holders = [i for i in rr if regs[i]["grade_date"] and dt.date(2022, 1, 1) <= regs[i]["grade_date"] <= dt.date(2024, 12, 31)]
    plan = [(i, "founded", "ym_cn") for i in rr[0:3]] + [(i, "founded", "ym_dot") for i in rr[3:5]] + \
           [(holders[0], "grade_date", "ym_dot")] + [(i, "term_start", "serial") for i in rr[5:8]] + \
           [(i, "rep_birth", "slash") for i in rr[8:11] if regs[i]["rep_birth"]]
    for i, key, kind in plan:
        v = regs[i][key]
        text = {"ym_cn": f"{v.year}年{v.month}月", "ym_dot": f"{v.year}.{v.month}", "serial": str((v - EPOCH).days),
                "slash": f"{v.year}/{v.month}/{v.day}"}[kind]
        date_rows[i][col[key]] = text
        probs.append({"row": i + 1, "line": i + 2, "column": REG[key], "kind": f"date_{kind}", "value": text,
                      "expected": v.isoformat()[:7] if kind.startswith("ym") else v.isoformat(),
                      "description": "只有年月（精度为月）" if kind.startswith("ym") else
                      "Excel 日期序列号" if kind == "serial" else "斜杠分隔日期"})
    write_rows(d / "registry_dates.csv", header, date_rows)
    entry("registry_dates.csv", probs, n, note="month-only dates sit where the day cannot change any indicator")

    anns = [o["a"][y] for o in orgs for y in sorted(o["a"])]
    ann_rows = [[cell_text(a[k]) for k in ANN] for a in anns]
    acol, probs = {k: list(ANN).index(k) for k in ANN}, []
    money = [(j, k) for j, a in enumerate(anns) for k in ("inc", "prog", "admin", "total", "na") if a[k]]
    for m, (j, k) in enumerate(money[7::97][:14]):
        v = anns[j][k]
        text = [wan(v), f"{v:,}", f"{v}元", wan(v)[:-1]][m % 4]
        ann_rows[j][acol[k]] = text
        probs.append({"row": j + 1, "line": j + 2, "column": ANN[k], "kind": "amount_format", "value": text,
                      "expected": v, "description": "金额带单位或千分位（万元按×10000换算为元）"})
    write_rows(d / "annual_amounts.csv", list(ANN.values()), ann_rows)
    entry("annual_amounts.csv", probs, len(anns))

    dup = rows()
    a_i, b_i = clean[0], clean[1]
    dup[b_i][col["code"]] = regs[a_i]["code"]
    write_rows(d / "registry_duplicate_code.csv", header, dup)
    entry("registry_duplicate_code.csv", [{"row": b_i + 1, "line": b_i + 2, "column": REG["code"], "kind": "duplicate_code",
           "value": regs[a_i]["code"], "description": f"与第{a_i + 1}行统一社会信用代码重复（第{a_i + 1}行为真实机构）"}],
          n - 1, excluded_codes=[regs[b_i]["code"]], note="both rows are clean organizations; either policy gives no flag")

    bad = rows()
    c1, c2 = clean[2], clean[3]
    code1, code2 = regs[c1]["code"], regs[c2]["code"]
    alt = next(c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != code1[-1])
    bad[c1][col["code"]], bad[c2][col["code"]] = code1[:-1] + alt, code2[:9] + "O" + code2[10:]
    write_rows(d / "registry_bad_check.csv", header, bad)
    entry("registry_bad_check.csv", [
        {"row": c1 + 1, "line": c1 + 2, "column": REG["code"], "kind": "check_character", "value": bad[c1][col["code"]],
         "description": f"校验码错误（应为 {code1[-1]}）"},
        {"row": c2 + 1, "line": c2 + 2, "column": REG["code"], "kind": "illegal_character", "value": bad[c2][col["code"]],
         "description": "含 GB 32100 不允许的字母 O（第10位），校验亦不通过"}], n - 2, excluded_codes=[code1, code2])

    drop = list(REG).index("rep_birth")
    write_rows(d / "registry_missing_column.csv", [h for j, h in enumerate(header) if j != drop],
               [[v for j, v in enumerate(r) if j != drop] for r in rows()])
    entry("registry_missing_column.csv", [{"row": None, "column": REG["rep_birth"], "kind": "missing_column",
           "description": "缺少必需列「法定代表人出生日期」：年龄指标无法判断，应报告而非推测"}], n,
          not_evaluable=["leader_over_age"])

    extra_h = header[:8] + ["联系人手机"] + header[8:] + ["内部备注"]
    extra = [r[:8] + [f"139****{k % 10000:04d}"] + r[8:] + ["" if k % 7 else "待回访"] for k, r in enumerate(rows())]
    write_rows(d / "registry_extra_column.csv", extra_h, extra)
    entry("registry_extra_column.csv", [{"row": None, "column": c, "kind": "unknown_column",
                                         "description": "未知列：应列出并忽略，不影响筛查"} for c in ("联系人手机", "内部备注")], n)
    meta = {"row_numbering": "CSV: row = 1-based data row (header excluded), line = file line; XLSX: excel_row",
            "use_with": note, "expected_hits": "../truth.json organizations, minus excluded_codes, minus not_evaluable indicators",
            "files": exp}
    (d / "expected.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")


# ---- annual-report documents ----------------------------------------------------------------
def blocks(text: str):
    """Paragraph lines and pipe tables ('| a | b |' lines) of a report text."""
    table = []
    for line in text.split("\n"):
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                table.append(cells)
            continue
        if table:
            yield "table", table
            table = []
        yield "para", line
    if table:
        yield "table", table


HEADING = re.compile(r"^[一二三四五六七八九十]+、")


def write_docx(text: str, path: Path) -> None:
    from docx import Document
    doc = Document()
    doc.core_properties.created = doc.core_properties.modified = dt.datetime(2026, 5, 1)
    for kind, item in blocks(text):
        if kind == "table":
            t = doc.add_table(rows=len(item), cols=len(item[0]))
            t.style = "Table Grid"
            for r, cells in enumerate(item):
                for c, v in enumerate(cells):
                    t.cell(r, c).text = v
        elif HEADING.match(item):
            doc.add_heading(item, level=2)
        elif item.strip():
            doc.add_paragraph(item)
    doc.save(str(path))


def write_pdf(text: str, path: Path, font: Path) -> None:
    from fpdf import FPDF
    pdf = FPDF()
    pdf.set_creation_date(dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.add_font("cjk", fname=str(font))
    pdf.set_font("cjk", size=10)
    for kind, item in blocks(text):
        if kind == "table":
            from fpdf.fonts import FontFace
            with pdf.table(line_height=6, headings_style=FontFace(emphasis="")) as t:
                for cells in item:
                    row = t.row()
                    for v in cells:
                        row.cell(v)
            pdf.ln(2)
        elif item.strip():
            pdf.multi_cell(0, 6, item, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(2)
    pdf.output(str(path))


def write_reports(out: Path) -> list:
    """Copy registry/truth and render each report in the format its truth entry names."""
    out.mkdir(parents=True, exist_ok=True)
    truth = json.loads((REPORTS_SRC / "truth.json").read_text(encoding="utf-8"))
    shutil.copy(REPORTS_SRC / "registry.csv", out / "registry.csv")
    shutil.copy(REPORTS_SRC / "truth.json", out / "truth.json")
    written, font = [], None
    for rep in truth["reports"]:
        text = (REPORTS_SRC / rep["source"]).read_text(encoding="utf-8")
        target = out / rep["file"]
        if target.suffix == ".txt":
            target.write_text(text, encoding="utf-8")
        elif target.suffix == ".docx":
            write_docx(text, target)
        elif target.suffix == ".pdf":
            from eval.checking import CJK_FONT_CANDIDATES, make_pdf_font
            if not any(p.is_file() for p in CJK_FONT_CANDIDATES):
                continue  # no CJK font here: the PDF reports are skipped, the TXT sources remain
            if font is None:
                allchars = "".join((REPORTS_SRC / r["source"]).read_text(encoding="utf-8") for r in truth["reports"])
                font = make_pdf_font(allchars, Path(tempfile.mkdtemp()) / "cjk.ttf")
            write_pdf(text, target, font)
        written.append(target)
    return written


# ---- self-check of the written files --------------------------------------------------------
def doc_text(path: Path) -> str:
    if path.suffix == ".docx":
        from docx import Document
        d = Document(str(path))
        return "\n".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for row in t.rows for c in row.cells])
    if path.suffix == ".pdf":
        from pypdf import PdfReader
        return "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)
    return path.read_text(encoding="utf-8")


def amount_forms(v: int) -> list:
    return [f"{v:,}", f"{v:,}.00", str(v), wan(v)[:-2], f"{v / 10000:.2f}"]


def check_outputs(out: Path, truth: dict, regs: list, anns: list) -> None:
    from eval.risk_synth import ANN, REG, screen, read_table
    (cells, _), (pcells, _) = read_xlsx(out / "registry.xlsx")
    keys = list(REG)
    for i, r in enumerate(regs, 2):  # the XLSX holds the same values as the CSV
        for j, k in enumerate(keys):
            assert cells.get(f"{col_letter(j)}{i}") == r[k], (i, k, cells.get(f"{col_letter(j)}{i}"), r[k])
    bad = out / "bad_inputs"
    meta = json.loads((bad / "expected.json").read_text(encoding="utf-8"))["files"]
    raw = (bad / "registry_gbk.csv").read_bytes()
    try:
        raw.decode("utf-8")
        raise AssertionError("GBK file decodes as UTF-8")
    except UnicodeDecodeError:
        assert raw.decode("gbk").startswith("序号")
    [(mcells, merges)] = read_xlsx(bad / "registry_merged_header.xlsx")
    assert all(p["column"] in merges for p in meta["registry_merged_header.xlsx"]["problems"])
    for name, info in meta.items():
        if name.endswith(".csv") and name != "registry_gbk.csv":
            with open(bad / name, encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.reader(fh))
            for p in info["problems"]:
                if p.get("row"):
                    assert rows[p["row"]][rows[0].index(p["column"])] == p["value"], (name, p)
                else:
                    assert (p["column"] in rows[0]) == (p["kind"] == "unknown_column"), (name, p)
    check_reports(out / "risk_reports", screen, read_table, REG, ANN)


def check_reports(d: Path, screen, read_table, REG, ANN) -> None:
    truth = json.loads((d / "truth.json").read_text(encoding="utf-8"))
    assert len(truth["reports"]) >= 10
    regs = read_table(d / "registry.csv", REG)
    ann = {}
    for rep in truth["reports"]:
        path = d / rep["file"]
        if not path.exists():
            assert path.suffix == ".pdf", path
            path = REPORTS_SRC / rep["source"]
        text = re.sub(r"\s+", "", doc_text(path))
        for key, v in rep["figures"].items():
            forms = amount_forms(v) if key in ("inc", "prog", "admin", "total", "na") else [str(v)]
            assert any(f in text for f in forms), (rep["file"], key, v)
        for year, figs in [(rep["year"], rep["figures"]), (rep["year"] - 1, rep.get("previous_year"))]:
            if figs and (rep["code"], year) not in ann:
                ann[(rep["code"], year)] = dict(figs, year=year, code=rep["code"], filed="是",
                                                filed_date=dt.date(year + 1, 4, 20), concl="合格")
    last = {r["code"]: (r["last_check_year"], r["last_check"]) for r in regs}
    for (code, year), row in ann.items():
        if last[code][0] == year:
            row["concl"] = last[code][1]
        for k in ANN:
            row.setdefault(k, None)
    hits = screen(regs, list(ann.values()), [], dt.date.fromisoformat(truth["as_of"]))
    for code, entry in truth["organizations"].items():
        want = {(h["indicator"], h["year"]) for h in entry["hits"]}
        assert hits[code] == want, (entry["name"], hits[code], want)
