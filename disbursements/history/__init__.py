"""Spreadsheet import of a province's past projects (funded before Idmaj), shared by the web
screens (through disbursements.tasks), the command and the demo.

    table = read_history(data, filename)                     # the file, or FileRefused
    plan = build_history_plan(table, province)               # the dry run: counts, problems
    write_history(plan, by=user, source=filename)            # the commit: all or nothing

The file's reading, its refusals, the beneficiary columns' row checker and registry matcher, the
problems and their rendering are the beneficiary import's (beneficiaries.importing).
"""

from beneficiaries.importing import FileRefused, ImportRefused, read_upload
from disbursements.history.checking import HistoryPlan, build_history_plan
from disbursements.history.columns import COLUMN_TABLE, COLUMNS
from disbursements.history.writing import SpendingChanged, write_history


def read_history(data: bytes, filename: str):
    return read_upload(data, filename, COLUMN_TABLE)


__all__ = [
    "COLUMNS",
    "COLUMN_TABLE",
    "FileRefused",
    "HistoryPlan",
    "ImportRefused",
    "SpendingChanged",
    "build_history_plan",
    "read_history",
    "write_history",
]
