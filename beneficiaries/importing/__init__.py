"""Spreadsheet import of beneficiaries, shared by the web screens (through tasks) and the command.

    table = read_upload(data, filename)            # the file, or FileRefused
    plan = build_plan(table, province)             # the dry run: counts, problems, warnings
    write_plan(plan, by=user, skip_invalid=False)  # the commit: all or nothing

reading → columns (header aliases) → rows (one row's rules) → checking (file and registry)
→ writing (bulk writes with history, error file). messages renders codes in the reader's language.
"""

from beneficiaries.importing.checking import Plan, build_plan
from beneficiaries.importing.columns import COLUMNS
from beneficiaries.importing.messages import MAX_MEGABYTES, MAX_ROWS, render_all, render_message
from beneficiaries.importing.reading import FileRefused, Table, read_upload
from beneficiaries.importing.writing import ImportRefused, error_file, write_plan

__all__ = [
    "COLUMNS",
    "MAX_MEGABYTES",
    "MAX_ROWS",
    "FileRefused",
    "ImportRefused",
    "Plan",
    "Table",
    "build_plan",
    "error_file",
    "read_upload",
    "render_all",
    "render_message",
    "write_plan",
]
