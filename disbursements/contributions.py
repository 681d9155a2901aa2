"""What the disbursements app adds to the shared pages: the handovers' menu entry and home card, the
person's handovers on their record and timeline, the project page's handovers panel, and the
amounts delivered per convention. Found by reintegration.lib.contributions."""

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from disbursements.balances import line_balances
from disbursements.models import Handover, LedgerEntry
from disbursements.permissions import can_manage_handovers, can_read_handovers
from projects.models import FundingLine, MicroProject
from reintegration.lib.contributions import HomeCard, NavEntry, RecordPanel
from reintegration.lib.money import format_mad

# After the projects' entries (50); the ceremonies' entry has its own order, conventions come at 90.
NAVIGATION = [
    NavEntry(gettext_lazy("Handovers"), "disbursements:handover_list", visible=can_read_handovers, order=60),
    NavEntry(gettext_lazy("Ceremonies"), "disbursements:ceremony_list", visible=can_read_handovers, order=61),
]


def handovers_card(user) -> dict | None:
    """For those who hand things over: what is planned, and what went out this year (the ledger's
    sum, reversals netted)."""
    if not can_manage_handovers(user):
        return None
    handovers = Handover.objects.visible_to(user)
    year = timezone.localdate().year
    delivered = LedgerEntry.objects.filter(handover__in=handovers.values("pk"), value_date__year=year)
    return {
        "planned": handovers.filter(status=Handover.Status.PLANNED).count(),
        "delivered_this_year": delivered.total(),
        "year": year,
    }


HOME_CARDS = [HomeCard("disbursements/handover_home_card.html", context=handovers_card)]


def convention_amounts(convention_ids) -> dict:
    """{"delivered": {(convention id, partner id): what the ledger says was handed over, reversals
    netted}} for the convention pages."""
    delivered = (
        LedgerEntry.objects.filter(line__convention__in=convention_ids)
        .values("line__convention", "line__partner")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {"delivered": {(row["line__convention"], row["line__partner"]): row["total"] for row in delivered}}


def handovers_of_person(beneficiary, user):
    return Handover.objects.visible_to(user).filter(
        project__in=MicroProject.objects.all().of_beneficiary(beneficiary).values("pk")
    )


def timeline_events(beneficiary, user):
    """The person's handovers this user may see: planned, delivered, cancelled, reversed."""
    if not can_read_handovers(user):
        return []
    handovers = {
        handover.pk: handover
        for handover in handovers_of_person(beneficiary, user).select_related("planned_by", "line__partner")
    }
    if not handovers:
        return []
    events = [
        (
            handover.created_at,
            _("Handover %(number)s planned for %(day)s: %(value)s (%(partner)s)")
            % {
                "number": handover.number,
                "day": date_format(handover.planned_on, "d/m/Y"),
                "value": format_mad(handover.amount),
                "partner": handover.line.partner.acronym,
            },
            handover.planned_by,
        )
        for handover in handovers.values()
    ]
    for entry in LedgerEntry.objects.filter(handover__in=list(handovers)).select_related("by"):
        named = {"number": handovers[entry.handover_id].number, "value": format_mad(abs(entry.amount))}
        if entry.reverses_id:
            label = _("Handover %(number)s reversed (%(value)s): %(reason)s") % (named | {"reason": entry.reason})
        else:
            named["day"] = date_format(entry.value_date, "d/m/Y")
            label = _("Handover %(number)s delivered on %(day)s: %(value)s") % named
        events.append((entry.at, label, entry.by))
    cancellations = Handover.history.filter(id__in=list(handovers), status=Handover.Status.CANCELLED).order_by(
        "id", "history_date"
    )
    seen = set()
    for record in cancellations.select_related("history_user"):
        if record.id in seen:  # the first record in the cancelled status is the cancellation
            continue
        seen.add(record.id)
        label = _("Handover %(number)s cancelled: %(reason)s") % {
            "number": record.number,
            "reason": record.cancellation_reason,
        }
        events.append((record.history_date, label, record.history_user))
    return events


def handovers_panel(beneficiary, user):
    """The record page's panel: the person's handovers this user may see. None before the first one
    is planned (the projects' panel says what comes before)."""
    if not can_read_handovers(user):
        return None
    handovers = list(
        handovers_of_person(beneficiary, user).select_related("line__partner").order_by("-created_at", "-pk")
    )
    if not handovers:
        return None
    return {
        "heading": _("Handovers"),
        "rows": [
            {
                "label": f"{handover.number} · {format_mad(handover.amount)} · {handover.line.partner.acronym}",
                "url": handover.get_absolute_url(),
                "status": handover.get_status_display(),
            }
            for handover in handovers
        ],
        "empty": _("No handover yet."),
        "actions": [],
    }


RECORD_PANELS = [RecordPanel(context=handovers_panel)]


def project_handovers(project, user):
    """The project page's panel, once the project is approved: its handovers, and per approved line
    what it has delivered against its amount, with the way to plan what is left."""
    if not can_read_handovers(user):
        return None
    handovers = list(
        Handover.objects.visible_to(user).filter(project=project).select_related("line__partner").order_by("pk")
    )
    lines = FundingLine.objects.filter(project=project, decision=FundingLine.Decision.APPROVED)
    if user.role == user.Role.COORDINATOR and not user.partner.is_technical:
        lines = lines.filter(partner=user.acting_partner_id)
    lines = list(lines.select_related("partner", "convention").order_by("pk"))
    if not handovers and "hand_over" not in project.allowed_actions():
        return None
    may_plan = can_manage_handovers(user) and "hand_over" in project.allowed_actions()
    balances = line_balances(lines)
    return {
        "handovers": handovers,
        "lines": [
            {
                "line": line,
                "balance": balances[line.pk],
                "plan_url": reverse("disbursements:plan", args=[line.pk])
                if may_plan and balances[line.pk].left_to_plan > 0
                else "",
            }
            for line in lines
        ],
    }


PROJECT_PANELS = [RecordPanel(context=project_handovers, template="disbursements/handover_project_panel.html")]
