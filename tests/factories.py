from datetime import date, timedelta
from decimal import Decimal

import factory

from accounts.models import User
from territory.models import Province, Region

TEST_PASSWORD = "correct-horse-battery-staple"


def province(code: str) -> Province:
    return Province.objects.get(code=code)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = User.Role.STAFF
    province = factory.LazyFunction(lambda: province("04.291"))
    password = factory.django.Password(TEST_PASSWORD)


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "beneficiaries.Beneficiary"

    cin = factory.Sequence(lambda n: f"ZT{100000 + n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    first_name_ar = ""
    last_name_ar = ""
    sex = "M"
    # Born 1980–2004, wrapping around: a long run creates thousands, and each must be 16 at release.
    date_of_birth = factory.Sequence(lambda n: date(1980, 1, 1) + timedelta(days=n * 11 % (25 * 365)))
    province = factory.LazyFunction(lambda: province("04.291"))
    release_date = date(2024, 6, 1)
    created_by = factory.LazyFunction(lambda: UserFactory(username="registrar"))


def partner(acronym: str):
    """One of the programme's partners (INDH, FM6RD, ANAPEC): added by a data migration, and again
    here after a transactional test's flush emptied the table."""
    from partners.models import Partner
    from partners.reference import load_programme_partners

    if not Partner.objects.filter(acronym=acronym).exists():
        load_programme_partners(Partner)
    return Partner.objects.get(acronym=acronym)


class ConventionFactory(factory.django.DjangoModelFactory):
    """A provincial convention for Khémisset, 2020, with no contribution (add them with `contribute`)."""

    class Meta:
        model = "partners.Convention"

    reference = factory.Sequence(lambda n: f"CONV-KHE-{2020 + n % 5}-{n:03d}")
    title = "Réinsertion socio-économique des détenus libérés"
    scope = "province"
    province = factory.LazyFunction(lambda: province("04.291"))
    year = 2020
    indh_phase = "III"
    starts_on = date(2020, 1, 1)
    ends_on = date(2023, 12, 31)
    envelope = factory.LazyFunction(lambda: Decimal("2200000.00"))
    target_beneficiaries = 80


def contribute(convention, acronym: str, amount, in_kind: str = ""):
    from partners.models import Contribution

    return Contribution.objects.create(
        convention=convention, partner=partner(acronym), amount=Decimal(amount), in_kind=in_kind
    )


def consent(beneficiary, *purposes, given_on=date(2024, 7, 1)):
    """Record the consents (default: the programme's and the partners', which a submission needs)."""
    from beneficiaries.models import Consent

    for purpose in purposes or (Consent.Purpose.PROGRAMME, Consent.Purpose.PARTNERS):
        Consent.objects.create(
            beneficiary=beneficiary, purpose=purpose, given_on=given_on, recorded_by=beneficiary.created_by
        )
    return beneficiary


class ProjectFactory(factory.django.DjangoModelFactory):
    """A draft in Khémisset, its lead consenting, studied by ANAPEC; add lines with `fund`."""

    class Meta:
        model = "projects.MicroProject"

    lead = factory.LazyFunction(lambda: consent(BeneficiaryFactory()))
    province = factory.LazyAttribute(lambda project: project.lead.province)
    title = factory.Sequence(lambda n: f"Atelier de couture {n}")
    sector = "crafts"
    commune = "Tiflet"
    total_cost = factory.LazyFunction(lambda: Decimal("30000.00"))
    own_contribution = factory.LazyFunction(lambda: Decimal("0.00"))
    technical_partner = factory.LazyFunction(lambda: partner("ANAPEC"))
    created_by = factory.LazyFunction(lambda: UserFactory(username="registrar"))


def fund(project, convention, acronym: str, amount, kind: str = "equipment"):
    from projects.models import FundingLine

    return FundingLine.objects.create(
        project=project, convention=convention, partner=partner(acronym), amount=Decimal(amount), kind=kind
    )
