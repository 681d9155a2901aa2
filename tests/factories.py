import factory

from accounts.models import Role, User
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
    role = Role.STAFF
    province = factory.LazyFunction(lambda: province("04.291"))
    password = factory.django.Password(TEST_PASSWORD)
