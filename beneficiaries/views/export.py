"""The filtered list as CSV or XLSX: Arabic intact in both, CIN masked unless the role may reveal it.

The columns come in groups, chosen on the list (ExportForm): identity, path and skills, consent,
status. Headers are the record's labels in the reader's language, and the identity group holds
every column the import needs, so an export uploaded to the import as it is changes nobody.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beneficiaries.access import log_access
from beneficiaries.forms import BeneficiaryFilterForm, ExportForm
from beneficiaries.models import AccessLog, Beneficiary, Consent
from beneficiaries.permissions import can_export, can_reveal_cin
from beneficiaries.views.registry import list_page
from reintegration.lib.personal_data import role_required
from reintegration.lib.spreadsheets import CONTENT_TYPES, csv_bytes, download, xlsx_bytes


@dataclass(frozen=True)
class Column:
    header: str  # lazy: translated when the file is written
    value: Callable[[Beneficiary], object]


def shown(name: str) -> Column:
    """A field of the record, titled with its label; a choice as its label, as the record shows it."""
    field = Beneficiary._meta.get_field(name)
    if field.choices:
        return Column(capfirst(field.verbose_name), lambda person: getattr(person, f"get_{name}_display")())
    return Column(capfirst(field.verbose_name), lambda person: getattr(person, name))


def consent_columns(purpose: str, given: str, withdrawn: str) -> list[Column]:
    return [
        Column(given, lambda person: getattr(current_consent(person, purpose), "given_on", None)),
        Column(withdrawn, lambda person: getattr(current_consent(person, purpose), "withdrawn_on", None)),
    ]


def current_consent(person, purpose: str) -> Consent | None:
    """The latest consent for this purpose (the prefetched consents are newest first)."""
    return next((consent for consent in person.consents.all() if consent.purpose == purpose), None)


Purpose = Consent.Purpose
CONSENT_HEADERS = {
    Purpose.PROGRAMME: (gettext_lazy("Programme consent given on"), gettext_lazy("Programme consent withdrawn on")),
    Purpose.PARTNERS: (
        gettext_lazy("Consent to sharing with partners given on"),
        gettext_lazy("Consent to sharing with partners withdrawn on"),
    ),
    Purpose.PUBLICITY: (
        gettext_lazy("Consent to public ceremonies given on"),
        gettext_lazy("Consent to public ceremonies withdrawn on"),
    ),
}
# The CIN column comes first in the identity group, revealed or masked by role (see `columns`).
# The import reads every identity column but the province (the importer's own) and the reason
# for having no CIN lets it find again the people who have none (by name and date of birth).
GROUPS = {
    "identity": [
        shown("no_cin_reason"),
        shown("last_name"),
        shown("first_name"),
        shown("last_name_ar"),
        shown("first_name_ar"),
        shown("sex"),
        shown("date_of_birth"),
        shown("phone"),
        Column(capfirst(Beneficiary._meta.get_field("province").verbose_name), lambda person: person.province.name),
        shown("commune"),
    ],
    "path": [
        shown(name)
        for name in (
            "education",
            "skills",
            "detention_training",
            "release_date",
            "prison",
            "support_centre",
            "referral_source",
            "dependants",
        )
    ],
    "consent": [
        column
        for purpose, (given, withdrawn) in CONSENT_HEADERS.items()
        for column in consent_columns(purpose, given, withdrawn)
    ],
    "status": [shown("status"), shown("exit_reason")],
}
CIN_HEADER = capfirst(Beneficiary._meta.get_field("cin").verbose_name)


@role_required(can_export)
def beneficiary_export(request, file_format):
    if file_format not in CONTENT_TYPES:
        raise Http404
    filters, choice = BeneficiaryFilterForm(request.GET, user=request.user), ExportForm(request.GET)
    # Never a wider file than asked for, nor other columns: the list shows what to correct, and nothing is exported.
    if not filters.is_valid():
        messages.error(request, _("Nothing was exported: correct the filters below first."))
        return list_page(request, filters, status=400)
    if not choice.is_valid():
        messages.error(request, _("Nothing was exported: choose columns from those offered."))
        return list_page(request, filters, status=400)
    groups = choice.cleaned_data["columns"]
    beneficiaries = filters.filter(Beneficiary.objects.visible_to(request.user).with_province())
    if "consent" in groups:
        beneficiaries = beneficiaries.prefetch_related("consents")
    header, rows = table(beneficiaries, columns(groups, reveal=can_reveal_cin(request.user)))
    content = xlsx_bytes(header, rows, title=_("Beneficiaries")) if file_format == "xlsx" else csv_bytes(header, rows)
    # The query as exported: the filters and the column groups, the default ones included.
    log_access(request.user, AccessLog.Action.EXPORT, query=choice.data.urlencode(), row_count=len(rows))
    day = f"{timezone.localdate():%Y-%m-%d}.{file_format}"
    return download(content, f"{Beneficiary._meta.verbose_name_plural}-{day}", ascii_filename=f"beneficiaries-{day}")


def columns(groups: list[str], *, reveal: bool) -> list[Column]:
    chosen = [column for group in groups for column in GROUPS[group]]
    if "identity" in groups:
        cin = Column(CIN_HEADER, (lambda person: person.cin or "") if reveal else (lambda person: person.masked_cin))
        chosen.insert(0, cin)
    return chosen


def table(beneficiaries, columns: list[Column]):
    header = [str(column.header) for column in columns]
    rows = [[column.value(person) for column in columns] for person in beneficiaries.iterator(chunk_size=2000)]
    return header, rows
