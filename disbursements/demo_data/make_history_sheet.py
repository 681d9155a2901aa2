"""Write the demo's history spreadsheet, khemisset-2016-2019.xlsx, next to this script.

Run once (the workbook is committed): `.venv/bin/python disbursements/demo_data/make_history_sheet.py`.
The rows come from disbursements.demo_history.history_rows, deterministic: the same people,
amounts and dates as the demo has always had.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reintegration.settings")


def main():
    import django

    django.setup()
    from django.utils import translation

    from disbursements.demo_history import HEADERS, SHEET, history_rows
    from reintegration.lib.spreadsheets import xlsx_bytes

    with translation.override("fr"):
        content = xlsx_bytes(
            HEADERS, history_rows(), title="Projets 2016-2019", column_formats={0: "@", 6: "DD/MM/YYYY"}
        )
    SHEET.write_bytes(content)
    print(f"{SHEET}: {len(history_rows())} rows")


if __name__ == "__main__":
    main()
