"""RiskService: read the exports (and annual reports), screen them, write the exports.

    risk = services.risk
    result = risk.screen(["registry.csv", "annual.csv", "penalties.csv"], reports="reports/",
                         as_of=date(2026, 6, 30))
    risk.write_xlsx(result, "风险筛查.xlsx"); risk.write_docx(result, "风险筛查报告.docx")

One bad file never stops a run: a file that cannot be read becomes an error in
``result.problems`` and the other files are screened.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable

from assistant.risk.columns import ColumnMap
from assistant.risk.problems import InputProblem
from assistant.risk.records import RecordSet
from assistant.risk.reports import ReportReader, report_files
from assistant.risk.result import ScreeningResult
from assistant.risk.screening import RiskScreener, registry_year_facts
from assistant.risk.tables import TableError, read_tables

COLUMNS_FILE = Path("risk") / "columns.yaml"
Progress = Callable[[float, str], None]  # (share done 0..1, what is being done)


class RiskService:
    def __init__(self, settings, rulebook):
        self.settings = settings
        self.rulebook = rulebook

    @property
    def columns_path(self) -> Path:
        return self.settings.corpus_dir / COLUMNS_FILE

    @cached_property
    def columns(self) -> ColumnMap:
        return ColumnMap.load(self.columns_path)

    @cached_property
    def screener(self) -> RiskScreener:
        return RiskScreener(self.rulebook, self.columns)

    def _name_type(self, name: str) -> str | None:
        """The type of an organization named only (兼任组织), from the rulebook's form words."""
        found = self.rulebook.names.type_of(str(name))
        return found[0] if found else None

    def screen(self, files: Iterable[str | Path], reports: str | Path | Iterable[str | Path] | None = None,
               as_of: date | None = None, columns_file: str | Path | None = None,
               names: dict[str, str] | None = None, progress: Progress | None = None) -> ScreeningResult:
        """Screen the export files (CSV / XLSX; registry, annual figures and penalties in any order) and,
        optionally, a folder (or list) of annual reports. ``names`` maps a path to the name the user
        knows it by (uploads)."""
        as_of = as_of or date.today()
        names = {str(k): v for k, v in (names or {}).items()}
        columns = ColumnMap.load(self.columns_path, Path(columns_file)) if columns_file else self.columns
        screener = self.screener if columns is self.columns else RiskScreener(self.rulebook, columns)
        records = RecordSet(columns, self.rulebook.locality, self._name_type)
        files = [Path(f) for f in files]
        shown: list[str] = []
        for number, path in enumerate(files):
            display = names.get(str(path), path.name)
            shown.append(display)
            if progress:
                progress(0.4 * number / max(1, len(files)), f"读取 {display}")
            try:
                tables = read_tables(path, display)
            except TableError as exc:
                records.problems.append(InputProblem(display, "unreadable", str(exc).split(" / ")[0],
                                                     str(exc).split(" / ")[-1], severity="error"))
                continue
            for table in tables:
                records.add_table(table)
        records.finish()
        report_paths = self._report_paths(reports)
        read_reports = []
        reader = ReportReader(columns, columns.reports)
        for number, path in enumerate(report_paths):
            display = names.get(str(path), path.name)
            if progress:
                progress(0.4 + 0.2 * number / max(1, len(report_paths)), f"读取年度工作报告书 {display}")
            report = self._read_report(reader, path, display, records)
            if report is not None:
                records.add_report(report)
                read_reports.append(display)
        registry_year_facts(records)

        def screening_progress(done: int, total: int) -> None:
            if progress:
                progress(0.6 + 0.4 * done / max(1, total), f"筛查 {done}/{total} 家社会组织")

        result = screener.run(records, as_of, screening_progress)
        result.files, result.reports = shown, read_reports
        return result

    @staticmethod
    def _report_paths(reports) -> list[Path]:
        if not reports:
            return []
        if isinstance(reports, (str, Path)):
            path = Path(reports)
            return report_files(path) if path.is_dir() else [path]
        return [Path(p) for p in reports]

    @staticmethod
    def _read_report(reader: ReportReader, path: Path, display: str, records: RecordSet):
        from assistant.kb.loaders import LoadError

        try:
            report = reader.read(path, display)
        except LoadError as exc:
            records.problems.append(InputProblem(display, exc.code, exc.zh, exc.en, severity="error"))
            return None
        records.problems.extend(report.problems)
        return None if report.year is None or not (report.code or report.name) else report

    # --- exports ----------------------------------------------------------------------------
    def write_xlsx(self, result: ScreeningResult, path: str | Path) -> Path:
        from assistant.risk.export import write_xlsx

        return write_xlsx(result, Path(path))

    def write_docx(self, result: ScreeningResult, path: str | Path) -> Path:
        from assistant.risk.export import write_docx

        return write_docx(result, Path(path))
