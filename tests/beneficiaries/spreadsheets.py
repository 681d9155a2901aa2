"""Build import files in memory (no binary fixture committed)."""

import csv
import io
import re
import struct
import zipfile
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


def confirm_import(client, capture, job, *, skip_invalid=False, decisions=None):
    """Press "Import" (or "Import only the valid rows") and run the commit at once; return the job.

    `decisions`: {row number: "new" | "skip" | "merge"}, the choices made for probable duplicates.
    """
    data = {f"decision-{row}": choice for row, choice in (decisions or {}).items()}
    if skip_invalid:
        data["skip_invalid"] = "1"
    with capture(execute=True):
        response = client.post(reverse("beneficiaries:import_confirm", args=[job.pk]), data)
    assert response.status_code == 302
    job.refresh_from_db()
    return job


# Hostile workbooks, built by rewriting the parts of a real one (see test_import_hostile.py).

SHEET = "xl/worksheets/sheet1.xml"


def rewrite_zip(data: bytes, changes: dict) -> bytes:
    """The zip `data` with some members replaced or added: {name: bytes, or a function of the old bytes}."""
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            change = changes.get(info.filename, content)
            target.writestr(info.filename, change(content) if callable(change) else change)
        for name, content in changes.items():
            if name not in source.namelist():
                target.writestr(name, content)
    return buffer.getvalue()


def sheet_declaring(data: bytes, dimension: str, last_row: str = "") -> bytes:
    """The workbook with its sheet's <dimension> replaced, and `last_row` (row XML) appended."""

    def change(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*" ?/>', f'<dimension ref="{dimension}"/>'.encode(), xml)
        return xml.replace(b"</sheetData>", last_row.encode() + b"</sheetData>")

    return rewrite_zip(data, {SHEET: change})


def with_sheet_xml(data: bytes, xml: str, *, after_rows: bool = False) -> bytes:
    """The workbook with `xml` added to its sheet: as its last rows, or after its rows (merged cells...)."""
    if after_rows:
        return rewrite_zip(data, {SHEET: lambda sheet: sheet.replace(b"</sheetData>", b"</sheetData>" + xml.encode())})
    return rewrite_zip(data, {SHEET: lambda sheet: sheet.replace(b"</sheetData>", xml.encode() + b"</sheetData>")})


def wide_row(cells: int, number: int) -> str:
    """Row `number` of `cells` inline strings, each different (so that the sheet does not compress 100:1)."""
    return f'<row r="{number}">' + "".join(f'<c t="inlineStr"><is><t>{n}</t></is></c>' for n in range(cells)) + "</row>"


def with_deflated_member(data: bytes, name: str, megabytes: int) -> bytes:
    """The workbook plus a member of `megabytes` MB of zeros, deflated in chunks (never in memory at once)."""
    buffer = io.BytesIO(data)
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w", force_zip64=True) as out,
    ):
        chunk = b"\0" * (1024 * 1024)
        for _ in range(megabytes):
            out.write(chunk)
    return buffer.getvalue()


def lying_about_size(data: bytes, name: str, declared: int) -> bytes:
    """The zip with the uncompressed size of `name` rewritten to `declared`, in its local and central headers."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    content = bytearray(data)
    struct.pack_into("<I", content, archive.getinfo(name).header_offset + 22, declared)
    offset = archive.start_dir  # the central directory: 46-byte entries, each followed by its name
    while content[offset + 46 : offset + 46 + len(name.encode())] != name.encode():
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", content, offset + 28)
        offset += 46 + name_length + extra_length + comment_length
    struct.pack_into("<I", content, offset + 24, declared)
    return bytes(content)
