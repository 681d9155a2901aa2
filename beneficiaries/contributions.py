"""What the registry adds to the shared pages: its menu entry, its home-page cards, its timeline events.

Found by reintegration.lib.contributions (see there for what an app may define).
"""

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beneficiaries.importing.writing import MERGED_REASON
from beneficiaries.models import Beneficiary, Consent
from beneficiaries.permissions import can_edit_registry, can_read_registry
from reintegration.lib.contributions import HomeCard, NavEntry

NAVIGATION = [NavEntry(gettext_lazy("Beneficiaries"), "beneficiaries:list", visible=can_read_registry)]


def home_card(user) -> dict:
    return {
        "can_register": can_edit_registry(user),
        "can_read": can_read_registry(user),
        "in_scope": Beneficiary.objects.visible_to(user).count(),
        # A coordinator sees only the people they need to know: the card says so, and for whom.
        "need_to_know": user.role == user.Role.COORDINATOR,
        "partner": user.partner.acronym if user.acting_partner_id else "",
        # Who may not read the registry is told why, and what the dashboards will bring, until
        # they exist (asked by name: the registry imports no app above it).
        "dashboards_coming": not apps.is_installed("dashboards"),
    }


HOME_CARDS = [HomeCard("beneficiaries/home_cards.html", context=home_card)]


def timeline_events(beneficiary, user):
    """Registration, status changes and corrections, merges from an import and consents, from the change history."""
    events = []
    previous_status = None
    for record in beneficiary.history.order_by("history_date", "history_id").select_related("history_user"):
        merged = MERGED_REASON.search(record.history_change_reason or "")
        if record.history_type == "+":
            events.append((record.history_date, _("Registered"), record.history_user))
        elif merged:  # a probable duplicate in an imported file, merged into this record
            label = _("Updated from a spreadsheet import: row %(row)s was merged into this record") % {"row": merged[1]}
            events.append((record.history_date, label, record.history_user))
        elif record.status != previous_status:
            events.append((record.history_date, status_event(record, previous_status), record.history_user))
        previous_status = record.status
    withdrawn = {}  # consent id → withdrawn_on in the previous history row
    consents = Consent.history.filter(beneficiary_id=beneficiary.pk).order_by("history_date", "history_id")
    for record in consents.select_related("history_user"):
        purpose = {"purpose": record.get_purpose_display()}
        if record.history_type == "+":
            events.append((record.history_date, _("Consent recorded: %(purpose)s") % purpose, record.history_user))
        if record.withdrawn_on and not withdrawn.get(record.id):
            events.append((record.history_date, _("Consent withdrawn: %(purpose)s") % purpose, record.history_user))
        withdrawn[record.id] = record.withdrawn_on
    return events


def status_event(record, previous_status: str | None) -> str:
    """A move forward, or a correction (Beneficiary.step_back keeps its reason in the history)."""
    label = record.get_status_display()
    if record.history_change_reason and previous_status:
        # Translators: the arrow points from the old status to the new one: ← in right-to-left text.
        return _("Status corrected: %(old)s → %(new)s — %(reason)s") % {
            "old": Beneficiary.Status(previous_status).label,
            "new": label,
            "reason": record.history_change_reason,
        }
    if record.exit_reason:
        label = f"{label} ({record.get_exit_reason_display()})"
    return _("Status: %(status)s") % {"status": label}
