"""The handover screens for reading: the list and its export, a handover's page, its signed receipt.

Every lookup starts at `Handover.objects.visible_to(user)` (404 outside the user's scope, or for a
funder's coordinator outside its own lines); officials and unscoped users are refused first (403):
these pages name people. The planning and the transitions are in handover_actions.py.
"""

from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from beneficiaries.access import log_access
from beneficiaries.models import AccessLog
from disbursements.forms import CancelForm, HandoverFilterForm, ReceiptScanForm, ReverseForm
from disbursements.models import Handover, LedgerEntry
from disbursements.permissions import can_manage_handovers, can_read_handovers, can_reverse_handover
from reintegration.lib.documents import serve_document
from reintegration.lib.listing import KeysFirstPaginator, page_or_fragment
from reintegration.lib.personal_data import role_required
from reintegration.lib.spreadsheets import CONTENT_TYPES, csv_bytes, download, xlsx_bytes

PAGE_SIZE = 25
ZERO = Decimal("0")


# --- the list and its export -------------------------------------------------------------------


@role_required(can_read_handovers)
def handover_list(request):
    return list_page(request)


def list_page(request, *, status=200):
    """The list (or its results fragment for htmx) narrowed by the filters; also the answer of a
    refused export, so its message appears where the user was."""
    filters = HandoverFilterForm(request.GET, user=request.user)
    paginator = KeysFirstPaginator(
        filters.filter(Handover.objects.visible_to(request.user)),
        PAGE_SIZE,
        rows=Handover.objects.with_list_relations(),
    )
    response = page_or_fragment(
        request,
        "disbursements/handover_list.html",
        "results",
        {
            "filters": filters,
            "page": paginator.get_page(request.GET.get("page")),
            "can_manage": can_manage_handovers(request.user),
        },
    )
    response.status_code = status
    return response


@require_safe
@role_required(can_read_handovers)
def handover_export(request, file_format):
    """The filtered list as CSV or XLSX. It names people, so it is logged as the registry's export is."""
    if file_format not in CONTENT_TYPES:
        raise Http404
    filters = HandoverFilterForm(request.GET, user=request.user)
    if not filters.is_valid():
        messages.error(request, _("Nothing was exported: correct the filters below first."))
        return list_page(request, status=400)
    handovers = filters.filter(Handover.objects.visible_to(request.user)).with_list_relations()
    header = [str(header) for header, _value in COLUMNS]
    rows = [[value(handover) for _header, value in COLUMNS] for handover in handovers.iterator(chunk_size=2000)]
    title = str(capfirst(Handover._meta.verbose_name_plural))
    content = xlsx_bytes(header, rows, title=title) if file_format == "xlsx" else csv_bytes(header, rows)
    log_access(request.user, AccessLog.Action.EXPORT, query=f"handovers?{request.GET.urlencode()}", row_count=len(rows))
    day = f"{timezone.localdate():%Y-%m-%d}.{file_format}"
    return download(content, f"{title}-{day}", ascii_filename=f"handovers-{day}")


def label(name: str) -> str:
    return capfirst(Handover._meta.get_field(name).verbose_name)


COLUMNS = [
    (label("number"), lambda handover: handover.number),
    (gettext_lazy("Beneficiary"), lambda handover: handover.project.lead.display_name()),
    (label("project"), lambda handover: handover.project.title),
    (gettext_lazy("Partner"), lambda handover: handover.line.partner.acronym),
    (gettext_lazy("Convention"), lambda handover: handover.line.convention.reference),
    (label("kind"), lambda handover: handover.get_kind_display()),
    (label("amount"), lambda handover: handover.amount),
    (label("status"), lambda handover: handover.get_status_display()),
    (label("planned_on"), lambda handover: handover.planned_on),
    (label("delivered_on"), lambda handover: handover.delivered_on or ""),
    (label("ceremony"), lambda handover: str(handover.ceremony) if handover.ceremony else ""),
    (label("province"), lambda handover: handover.province.name),
]


# --- a handover's page -------------------------------------------------------------------------


def _get_handover_for_view(request, pk):
    """The handover, when the user may see it (else 404: never say it exists elsewhere), with what
    its page shows."""
    handovers = Handover.objects.visible_to(request.user).select_related(
        "project__lead",
        "project__province",
        "line__partner",
        "line__convention",
        "ceremony",
        "delivered_by",
        "planned_by",
    )
    return get_object_or_404(handovers, pk=pk)


@require_safe
@role_required(can_read_handovers)
def handover_detail(request, pk):
    handover = _get_handover_for_view(request, pk)
    # The page names the project's people (Law 09-08: who saw whose data, from any screen).
    for person in handover.project.beneficiaries():
        log_access(request.user, AccessLog.Action.VIEW, beneficiary=person)
    return render(request, "disbursements/handover_detail.html", detail_context(request, handover))


def detail_context(request, handover, **forms) -> dict:
    user = request.user
    manages = can_manage_handovers(user)
    planned = handover.status == Handover.Status.PLANNED
    delivered = handover.status == Handover.Status.DELIVERED
    return {
        "handover": handover,
        "items": list(handover.items.all()),
        "line_delivered": LedgerEntry.objects.delivered_by_line([handover.line_id]).get(handover.line_id, ZERO),
        "entries": handover.ledger_entries.select_related("by", "reverses"),
        "can_change": manages and planned,
        "can_reverse": delivered and can_reverse_handover(user, handover),
        "can_upload": manages and delivered,
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "reverse_form": forms.get("reverse_form") or ReverseForm(),
        "scan_form": forms.get("scan_form") or ReceiptScanForm(),
    }


@require_safe
@role_required(can_read_handovers)
def receipt_scan(request, pk):
    """The signed receipt of a handover the user may see (else 404). It bears the person's name and
    signature: the download is logged as a look at their record."""
    handover = get_object_or_404(Handover.objects.visible_to(request.user).select_related("project__lead"), pk=pk)
    response = serve_document(handover.receipt_scan, f"receipt-{handover.number}")
    log_access(
        request.user, AccessLog.Action.DOCUMENT, beneficiary=handover.project.lead, query=f"handover={handover.pk}"
    )
    return response
