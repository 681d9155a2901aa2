from datetime import date, timedelta

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
    date_of_birth = factory.Sequence(lambda n: date(1980, 1, 1) + timedelta(days=n * 11))
    province = factory.LazyFunction(lambda: province("04.291"))
    release_date = date(2024, 6, 1)
    created_by = factory.LazyFunction(lambda: UserFactory(username="registrar"))
