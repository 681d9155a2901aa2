"""The filtered list as CSV or XLSX: Arabic intact in both, CIN masked unless the role may reveal it."""

from django.contrib import messages
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.decorators import role_required
from beneficiaries.access import log_access
from beneficiaries.forms import BeneficiaryFilterForm
from beneficiaries.models import AccessLog, Beneficiary
from beneficiaries.permissions import can_export, can_reveal_cin
from beneficiaries.views.registry import list_page
from reintegration.lib.spreadsheets import CONTENT_TYPES, csv_bytes, download, xlsx_bytes


@role_required(can_export)
def beneficiary_export(request, file_format):
    if file_format not in CONTENT_TYPES:
        raise Http404
    filters = BeneficiaryFilterForm(request.GET, user=request.user)
    if not filters.is_valid():
        # Never a wider file than asked for: the list shows what to correct, and nothing is exported.
        messages.error(request, _("Nothing was exported: correct the filters below first."))
        return list_page(request, filters, status=400)
    beneficiaries = filters.filter(Beneficiary.objects.visible_to(request.user).with_province())
    header, rows = table(beneficiaries, reveal=can_reveal_cin(request.user))
    content = xlsx_bytes(header, rows, title=_("Beneficiaries")) if file_format == "xlsx" else csv_bytes(header, rows)
    log_access(request.user, AccessLog.Action.EXPORT, query=request.GET.urlencode(), row_count=len(rows))
    return download(content, f"beneficiaries-{timezone.localdate():%Y-%m-%d}.{file_format}")


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
