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


def empty() -> dict:
    return {"lines": {}, "ledger": {}, "people_funded": {}}


def amounts(selection) -> dict:
    """{province id: {"lines": {(convention id, partner, kind): {"committed", "waiting"}},
    "ledger": {(convention id, partner, kind): delivered}, "people_funded": {convention id: people}}};
    "waiting" is what approved projects not handed anything yet hold."""
    committed = (
        selection.lines()
        .filter(decision=Decision.APPROVED, project__status__in=COMMITTING)
        .order_by()
        .values("project__province", "convention", "partner__acronym", "kind")
        .annotate(
            committed=Sum("amount"),
            waiting=Coalesce(Sum("amount", filter=Q(project__status=MicroProject.Status.APPROVED)), ZERO),
        )
    )
    # A reversal is a negative entry: summed with its delivery, it cancels it.
    delivered = (
        selection.ledger()
        .order_by()
        .values("handover__province", "line__convention", "line__partner__acronym", "line__kind")
        .annotate(total=Sum("amount"))
    )
    provinces = defaultdict(empty)
    for g in committed:
        key = (g["convention"], g["partner__acronym"], g["kind"])
        provinces[g["project__province"]]["lines"][key] = {"committed": g["committed"], "waiting": g["waiting"]}
    for g in delivered:
        key = (g["line__convention"], g["line__partner__acronym"], g["line__kind"])
        provinces[g["handover__province"]]["ledger"][key] = g["total"]
    for (province, convention), people in people_funded(selection).items():
        provinces[province]["people_funded"][convention] = people
    return dict(provinces)


def people_funded(selection) -> dict:
    """{(province id, convention id): people funded}: the leads and co-beneficiaries, each counted
    once, of the projects that received a handover (and kept it) under an approved line."""
    lines = selection.lines().filter(
        decision=Decision.APPROVED, project__status__in=FUNDED_STATUSES, project__first_delivery_on__isnull=False
    )
    return people_per(lines, "project__province", "convention")


def money_and_conventions(selection, sums: dict) -> dict:
    committed = {key: amounts["committed"] for key, amounts in sums.get("lines", {}).items()}
    delivered = sums.get("ledger", {})
    in_scope = selection.conventions_in_scope()
    conventions = convention_rows(in_scope, {key[0] for key in committed | delivered})
    envelopes = partner_envelopes(selection, in_scope)

    per_convention = defaultdict(lambda: {"committed": ZERO, "delivered": ZERO})
    per_partner = defaultdict(lambda: {"committed": ZERO, "delivered": ZERO, "committed_in_scope": ZERO})
    per_kind = {kind: {"committed": ZERO, "delivered": ZERO} for kind in KINDS}
    for figure, values in (("committed", committed), ("delivered", delivered)):
        for (convention, partner, kind), amount in values.items():
            per_convention[convention][figure] += amount
            per_partner[partner][figure] += amount
            per_kind[kind][figure] += amount
            if figure == "committed" and conventions.get(convention, {}).get("in_scope"):
                per_partner[partner]["committed_in_scope"] += amount

    rows = [
        convention_figures(convention, per_convention[pk], envelopes, selection, sums.get("people_funded", {}))
        for pk, convention in conventions.items()
    ]
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
            "envelope": sum((row["envelope"] for row in rows if row["in_scope"]), ZERO),
            "committed": sum((row["committed"] for row in rows), ZERO),
            "delivered": sum((row["delivered"] for row in rows), ZERO),
            "remaining": sum((row["remaining"] for row in rows if row["in_scope"]), ZERO),
            "by_kind": per_kind,
            "by_partner": by_partner,
        },
        "conventions": rows,
    }


def convention_figures(convention: dict, money: dict, envelopes: dict, selection, people_funded: dict) -> dict:
    """A convention's row. A wider convention (a region's on a province's dashboard, a national one
    below the nation) shows the money committed and delivered here, not its envelope."""
    own = convention["in_scope"]
    envelope = envelopes["by_convention"].get(convention["pk"], ZERO) if selection.partner else convention["envelope"]
    return {
        "pk": convention["pk"],
        "reference": convention["reference"],
        "title": convention["title"],
        "year": convention["year"],
        "indh_phase": convention["indh_phase"],
        "scope": convention["scope"],
        "in_scope": own,
        "envelope": envelope if own else None,
        "committed": money["committed"],
        "delivered": money["delivered"],
        "remaining": envelope - money["committed"] if own else None,
        "target_beneficiaries": convention["target_beneficiaries"],
        "beneficiaries_funded": people_funded.get(convention["pk"], 0),
    }


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
