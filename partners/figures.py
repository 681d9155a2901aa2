"""The money of each convention, per party: contributed, committed, delivered, remaining.

Committed (approved funding lines) and delivered (the ledger) belong to apps above this one: each
says its part through `convention_amounts(convention_ids)` in its contributions module, so these
figures grow as the apps arrive (delivered is 0 until the disbursements app).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from reintegration.lib.contributions import app_modules

ZERO = Decimal("0")


@dataclass
class PartyFigures:
    contribution: object  # partners.Contribution
    committed: Decimal = ZERO
    delivered: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        return self.contribution.amount - self.committed


@dataclass
class ConventionFigures:
    convention: object  # partners.Convention
    parties: list[PartyFigures] = field(default_factory=list)
    beneficiaries_funded: int = 0

    @property
    def contributed(self) -> Decimal:
        return sum((party.contribution.amount for party in self.parties), ZERO)

    @property
    def committed(self) -> Decimal:
        return sum((party.committed for party in self.parties), ZERO)

    @property
    def delivered(self) -> Decimal:
        return sum((party.delivered for party in self.parties), ZERO)

    @property
    def uncommitted(self) -> Decimal:
        """What the parties' contributions still hold: contributed less committed."""
        return self.contributed - self.committed

    @property
    def remaining(self) -> Decimal:
        return self.convention.envelope - self.committed

    @property
    def target_percent(self) -> int:
        target = self.convention.target_beneficiaries
        return min(100, round(100 * self.beneficiaries_funded / target)) if target else 0


def convention_figures(conventions) -> list[ConventionFigures]:
    """Figures for each convention given (its contributions prefetched or not): a fixed number of
    queries however many conventions."""
    conventions = list(conventions)
    amounts = {"committed": {}, "delivered": {}, "asked": {}, "beneficiaries": {}}
    ids = [convention.pk for convention in conventions]
    for module in app_modules("contributions"):
        if hasattr(module, "convention_amounts"):
            for name, values in module.convention_amounts(ids).items():
                amounts[name].update(values)
    figures = []
    for convention in conventions:
        parties = [
            PartyFigures(
                contribution,
                committed=amounts["committed"].get((convention.pk, contribution.partner_id), ZERO),
                delivered=amounts["delivered"].get((convention.pk, contribution.partner_id), ZERO),
            )
            for contribution in convention.contributions.all()
        ]
        figures.append(
            ConventionFigures(convention, parties, beneficiaries_funded=amounts["beneficiaries"].get(convention.pk, 0))
        )
    return figures


def committed_by(convention, partner) -> Decimal:
    """What `partner` has committed from `convention` (a contribution may not fall below it)."""
    return _amount("committed", convention, partner)


def asked_of(convention, partner) -> Decimal:
    """What funding lines still waiting for a decision ask of `partner` under `convention`."""
    return _amount("asked", convention, partner)


def _amount(name: str, convention, partner) -> Decimal:
    amounts = {}
    for module in app_modules("contributions"):
        if hasattr(module, "convention_amounts"):
            amounts.update(module.convention_amounts([convention.pk]).get(name, {}))
    return amounts.get((convention.pk, partner.pk), ZERO)
