"""The filtered list as CSV or XLSX: Arabic intact in both, CIN masked unless the role may reveal it."""

import csv
from datetime import date
from io import BytesIO, StringIO

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from accounts.decorators import role_required
from beneficiaries.forms import BeneficiaryFilterForm
from beneficiaries.models import AccessLog, Beneficiary
from beneficiaries.permissions import can_export, can_reveal_cin
from reintegration.lib.spreadsheets import CSV_DELIMITER, spreadsheet_safe

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@role_required(can_export)
def beneficiary_export(request, file_format):
    if file_format not in CONTENT_TYPES:
        raise Http404
    filters = BeneficiaryFilterForm(request.GET, user=request.user)
    beneficiaries = filters.filter(Beneficiary.objects.visible_to(request.user).with_province())
    header, rows = table(beneficiaries, reveal=can_reveal_cin(request.user))
    content = to_xlsx(header, rows) if file_format == "xlsx" else to_csv(header, rows)
    AccessLog.record(request.user, AccessLog.Action.EXPORT, query=request.GET.urlencode(), row_count=len(rows))
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    filename = f"beneficiaries-{timezone.localdate():%Y-%m-%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table(beneficiaries, *, reveal: bool):
    header = [
        _("CIN"),
        _("last name"),
        _("first name"),
        _("last name (Arabic)"),
        _("first name (Arabic)"),
        _("sex"),
        _("date of birth"),
        _("phone"),
        _("province"),
        _("commune"),
        _("status"),
        _("release date"),
        _("referral source"),
    ]
    rows = [
        [
            (b.cin or "") if reveal else b.masked_cin,
            b.last_name,
            b.first_name,
            b.last_name_ar,
            b.first_name_ar,
            b.get_sex_display(),
            b.date_of_birth,
            b.phone,
            b.province.name,
            b.commune,
            b.get_status_display(),
            b.release_date or "",
            b.get_referral_source_display(),
        ]
        for b in beneficiaries.iterator(chunk_size=2000)
    ]
    return header, rows


def to_csv(header, rows) -> bytes:
    # A BOM so that Excel opens the UTF-8 file with Arabic intact.
    buffer = StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER)
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header, rows) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Beneficiaries"))
    sheet.sheet_view.rightToLeft = get_language() == "ar"
    sheet.append(header)
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_cell(sheet, value):
    """Dates stay dates (sortable in Excel) but read day first, as everywhere in Idmaj."""
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    return spreadsheet_safe(value)
