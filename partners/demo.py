"""The two partnership conventions of the Khémisset story (DESIGN.md §1).

- 2015–2019: the province's reports count it under INDH phase II; 78 former inmates were funded
  under it for 1,832,227 MAD in total (the projects app writes them).
- 2020: the Foundation and the provincial committee for human development (CPDH, INDH phase III),
  2,200,000 MAD for 80 new beneficiaries, ANAPEC studying, coaching and following up in kind.

Loaded before the users (INSTALLED_APPS order): the contributions' history names no one.
"""

from datetime import date
from decimal import Decimal

from partners.models import Convention, Partner
from territory.models import Province

KHEMISSET = "04.291"
STUDY_IN_KIND = "Étude technique et financière, accompagnement et suivi"
CONVENTIONS = [
    {
        "reference": "KHE-2015-INDH-II",
        "title": "Réinsertion socio-économique des détenus libérés de la province de Khémisset (2015–2019)",
        "signed_on": date(2015, 4, 14),
        "year": 2015,
        "indh_phase": Convention.IndhPhase.PHASE_II,
        "starts_on": date(2015, 4, 14),
        "ends_on": date(2019, 12, 31),
        "envelope": Decimal("1850000.00"),
        "target_beneficiaries": 80,
        "notes": "Comptée au titre de la phase II de l'INDH dans les rapports de la province.",
        "contributions": [
            ("INDH", Decimal("1850000.00"), ""),
            ("FM6RD", Decimal("0.00"), "Identification et préparation des bénéficiaires"),
            ("ANAPEC", Decimal("0.00"), STUDY_IN_KIND),
        ],
    },
    {
        "reference": "KHE-2020-FM6RD-CPDH",
        "title": "Convention FM6RD – CPDH de Khémisset pour la réinsertion des détenus libérés (2020)",
        "signed_on": date(2020, 2, 20),
        "year": 2020,
        "indh_phase": Convention.IndhPhase.PHASE_III,
        "starts_on": date(2020, 1, 1),
        "ends_on": date(2023, 12, 31),
        "envelope": Decimal("2200000.00"),
        "target_beneficiaries": 80,
        "notes": "Au moins 80 nouveaux bénéficiaires de la province ; ANAPEC partenaire technique.",
        "contributions": [
            ("INDH", Decimal("1400000.00"), ""),
            ("FM6RD", Decimal("800000.00"), ""),
            ("ANAPEC", Decimal("0.00"), STUDY_IN_KIND),
        ],
    },
]


def load(stdout):
    khemisset = Province.objects.get(code=KHEMISSET)
    created = 0
    for fields in CONVENTIONS:
        fields = dict(fields)
        contributions = fields.pop("contributions")
        convention, new = Convention.objects.get_or_create(
            reference=fields["reference"],
            defaults={**fields, "scope": Convention.Scope.PROVINCE, "province": khemisset},
        )
        created += new
        present = set(convention.contributions.values_list("partner__acronym", flat=True))
        for acronym, amount, in_kind in contributions:
            if acronym not in present:  # a second load leaves what an administrator changed since
                convention.set_contribution(Partner.objects.get(acronym=acronym), amount, in_kind, by=None)
    total = Convention.objects.count()
    stdout.write(f"Demo conventions: {created} added, {total} in all (Khémisset 2015–2019 and 2020).")
