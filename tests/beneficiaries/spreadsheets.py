"""Build import files in memory (no binary fixture committed)."""

import csv
import io
from datetime import date, timedelta

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from beneficiaries.models import ImportJob

HEADER = ["cin", "first_name", "last_name", "sex", "date_of_birth", "phone", "commune", "release_date"]
CONSONANTS = "bdfjklmnprstz"


def outline_name(n: int) -> str:
    """A surname whose consonant outline is unique to n, so generated people are never near-duplicates."""
    letters = ""
    while True:
        n, digit = divmod(n, len(CONSONANTS))
        letters += CONSONANTS[digit] + "a"
        if not n:
            return "Ba" + letters.capitalize()


def person(n: int, **overrides) -> dict:
    row = {
        "cin": f"KA{100000 + n}",
        "first_name": "Karim",
        "last_name": outline_name(n),
        "sex": "M",
        "date_of_birth": (date(1960, 1, 1) + timedelta(days=n)).strftime("%d/%m/%Y"),
        "phone": "",
        "commune": "Tiflet",
        "release_date": "15/06/2024",
    }
    return {**row, **overrides}


def people(count: int, start: int = 1) -> list[dict]:
    return [person(n) for n in range(start, start + count)]


def csv_bytes(rows: list[dict], header=None, *, delimiter=",", bom=False) -> bytes:
    header = header or (list(rows[0]) if rows else HEADER)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(rows: list[dict], header=None, *, sheets=1, extra=None) -> bytes:
    """`extra`: {"C5": value} written after the rows, e.g. a formula."""
    header = header or list(rows[0])
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(name, "") for name in header])
    for cell, value in (extra or {}).items():
        sheet[cell] = value
    for n in range(1, sheets):
        workbook.create_sheet(f"Sheet{n + 1}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def start_import(client, capture, data: bytes, name: str = "people.csv", **fields):
    """Upload through the screen and run the check at once; return the job."""
    with capture(execute=True):
        response = client.post(reverse("beneficiaries:import_upload"), {"file": upload(data, name), **fields})
    assert response.status_code == 302, response.context["form"].errors
    return ImportJob.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def confirm_import(client, capture, job, *, skip_invalid=False):
    """Press "Import" (or "Import only the valid rows") and run the commit at once; return the job."""
    with capture(execute=True):
        response = client.post(
            reverse("beneficiaries:import_confirm", args=[job.pk]), {"skip_invalid": "1"} if skip_invalid else {}
        )
    assert response.status_code == 302
    job.refresh_from_db()
    return job
