"""Where the money is, per convention and per partner: envelope, committed (approved funding lines of
projects that still hold them), delivered (the ledger, reversals netted), remaining; equipment and cash;
and each convention's people funded against its target."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Case, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from dashboards.figures.counting import people_per
from partners.models import Contribution, Convention
from projects.models import FundingLine, MicroProject
from projects.models.states import COMMITTING

ZERO = Decimal("0")
Decision = FundingLine.Decision
KINDS = FundingLine.Kind.values
FUNDED_STATUSES = ["in_handover", "funded", "operating", "closed"]


def money_and_conventions(selection) -> dict:
    committed = committed_lines(selection)
    delivered = delivered_lines(selection)
    in_scope = selection.conventions_in_scope()
    conventions = convention_rows(in_scope, {key[0] for key in committed | delivered})
    envelopes = partner_envelopes(selection, in_scope)
    funded = people_funded(selection)
    waiting = sum((amounts[1] for amounts in committed.values()), ZERO)
    committed = {key: amounts[0] for key, amounts in committed.items()}

    per_convention = defaultdict(lambda: {"committed": ZERO, "delivered": ZERO})
    per_partner = defaultdict(lambda: {"committed": ZERO, "delivered": ZERO, "committed_in_scope": ZERO})
    per_kind = {kind: {"committed": ZERO, "delivered": ZERO} for kind in KINDS}
    for figure, amounts in (("committed", committed), ("delivered", delivered)):
        for (convention, partner, kind), amount in amounts.items():
            per_convention[convention][figure] += amount
            per_partner[partner][figure] += amount
            per_kind[kind][figure] += amount
            if figure == "committed" and conventions.get(convention, {}).get("in_scope"):
                per_partner[partner]["committed_in_scope"] += amount

    rows = []
    for pk, convention in conventions.items():
        envelope = convention["envelope"] if not selection.partner else envelopes["by_convention"].get(pk, ZERO)
        figures = per_convention[pk]
        rows.append(
            {
                "reference": convention["reference"],
                "title": convention["title"],
                "year": convention["year"],
                "indh_phase": convention["indh_phase"],
                "scope": convention["scope"],
                "in_scope": convention["in_scope"],
                "envelope": envelope if convention["in_scope"] else None,
                "committed": figures["committed"],
                "delivered": figures["delivered"],
                "remaining": envelope - figures["committed"] if convention["in_scope"] else None,
                "target_beneficiaries": convention["target_beneficiaries"],
                "beneficiaries_funded": funded.get(pk, 0),
            }
        )
    envelope = sum((row["envelope"] for row in rows if row["in_scope"]), ZERO)
    remaining = sum((row["remaining"] for row in rows if row["in_scope"]), ZERO)
    by_partner = [
        {
            "partner": acronym,
            "envelope": envelopes["by_partner"].get(acronym, ZERO),
            "committed": per_partner[acronym]["committed"],
            "delivered": per_partner[acronym]["delivered"],
            "remaining": envelopes["by_partner"].get(acronym, ZERO) - per_partner[acronym]["committed_in_scope"],
        }
        for acronym in sorted(set(per_partner) | set(envelopes["by_partner"]))
    ]
    return {
        "money": {
            "envelope": envelope,
            "committed": sum((row["committed"] for row in rows), ZERO),
            "delivered": sum((row["delivered"] for row in rows), ZERO),
            "remaining": remaining,
            "by_kind": per_kind,
            "by_partner": by_partner,
            "approved_not_delivered": waiting,
        },
        "conventions": rows,
    }


def committed_lines(selection) -> dict:
    """{(convention id, partner acronym, kind): (committed, of which in projects approved and not
    handed anything yet)}: the approved lines of projects that hold them."""
    groups = (
        selection.lines()
        .filter(decision=Decision.APPROVED, project__status__in=COMMITTING)
        .order_by()
        .values("convention", "partner__acronym", "kind")
        .annotate(
            total=Sum("amount"),
            waiting=Coalesce(Sum("amount", filter=Q(project__status=MicroProject.Status.APPROVED)), ZERO),
        )
    )
    return {(g["convention"], g["partner__acronym"], g["kind"]): (g["total"], g["waiting"]) for g in groups}


def delivered_lines(selection) -> dict:
    """{(convention id, partner acronym, kind): delivered}, from the ledger: a reversal cancels its delivery."""
    groups = (
        selection.ledger()
        .order_by()
        .values("line__convention", "line__partner__acronym", "line__kind")
        .annotate(total=Sum("amount"))
    )
    return {(g["line__convention"], g["line__partner__acronym"], g["line__kind"]): g["total"] for g in groups}


def convention_rows(in_scope, funding: set) -> dict:
    """The conventions signed in the scope, and the wider ones that fund projects here, by id."""
    rows = (
        Convention.objects.filter(Q(pk__in=in_scope.values("pk")) | Q(pk__in=funding))
        .annotate(in_scope=Case(When(pk__in=in_scope.values("pk"), then=Value(True)), default=Value(False)))
        .order_by("-year", "reference")
        .values(
            "pk", "reference", "title", "year", "indh_phase", "scope", "envelope", "target_beneficiaries", "in_scope"
        )
    )
    return {row["pk"]: row for row in rows}


def partner_envelopes(selection, in_scope) -> dict:
    """What each partner contributes to the conventions signed in the scope."""
    contributions = Contribution.objects.filter(convention__in=in_scope.values("pk"))
    if selection.partner:
        contributions = contributions.filter(partner=selection.partner)
    groups = contributions.order_by().values("convention", "partner__acronym").annotate(total=Sum("amount"))
    by_partner, by_convention = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    for group in groups:
        by_partner[group["partner__acronym"]] += group["total"]
        by_convention[group["convention"]] += group["total"]
    return {"by_partner": dict(by_partner), "by_convention": dict(by_convention)}


def people_funded(selection) -> dict:
    """{convention id: people funded}: the leads and co-beneficiaries, each counted once per convention,
    of the projects that received a handover (and kept it) under an approved line of the convention."""
    lines = selection.lines().filter(
        decision=Decision.APPROVED, project__status__in=FUNDED_STATUSES, project__first_delivery_on__isnull=False
    )
    return people_per(lines, "convention")
