"""The people: one user per scope (the bench logs in as them) and the beneficiaries, drawn in memory.

Their statuses are set once their projects are drawn (a funded project's lead is "funded"), then
they are written in one COPY. The search keys `save()` would compute are computed here, once per
distinct name (the names come from short lists, so a cache spares most of the work).
"""

import random
from datetime import date, timedelta
from functools import cache

from django.utils import timezone

from accounts.models import User
from beneficiaries.models import Beneficiary
from partners.models import Partner
from synthetic import names
from territory.models import Province, Region

KHEMISSET = "04.291"
RABAT_SALE_KENITRA = "04"
IMPORT_CIN_PREFIX = "ZZ"  # rows written by the import bench; never produced by the generator
GENERATOR = "synthetic.generator"  # creates every beneficiary: what marks the data as synthetic
WOMEN_SHARE = 0.08

# Former inmates in the programme are overwhelmingly men, and most are early in the pipeline.
STATUS_WEIGHTS = {
    Beneficiary.Status.REGISTERED: 30,
    Beneficiary.Status.ACCOMPANIED: 25,
    Beneficiary.Status.PROJECT_IN_PREPARATION: 15,
    Beneficiary.Status.FUNDED: 12,
    Beneficiary.Status.FOLLOWED_UP: 10,
    Beneficiary.Status.EXITED: 8,
}
COLUMNS = [
    "id", "cin", "no_cin_reason", "first_name", "last_name", "first_name_ar", "last_name_ar", "sex",
    "date_of_birth", "phone", "address", "commune", "education", "skills", "detention_training", "release_date",
    "prison", "support_centre", "referral_source", "dependants", "notes", "status", "exit_reason", "search_text",
    "person_key", "person_key_ar", "duplicate_confirmed_at", "created_at", "updated_at", "created_by_id",
    "duplicate_confirmed_by_id", "province_id", "sort_name", "sort_name_ar", "commune_key",
]  # fmt: skip


def generator_user() -> User:
    user, created = User.objects.get_or_create(
        username=GENERATOR, defaults={"role": User.Role.ADMIN, "national": True, "is_active": False}
    )
    if created:
        user.set_unusable_password()  # nobody logs in as the generator
        user.save(update_fields=["password"])
    return user


def bench_users() -> dict[str, User]:
    """One user per scope, and the coordinators the project bench needs: national administrator,
    ANAPEC's regional coordinator, Khémisset staff, INDH's Khémisset and national coordinators,
    ANAPEC's and the Foundation's national coordinators."""
    khemisset = Province.objects.get(code=KHEMISSET)
    region = Region.objects.get(code=RABAT_SALE_KENITRA)
    partners = {partner.acronym: partner for partner in Partner.objects.all()}
    coordinator = {"role": User.Role.COORDINATOR, "national": False, "province": None, "region": None}
    wanted = {
        "national": ("bench.national", {"role": User.Role.ADMIN, "national": True, "province": None, "region": None}),
        # Acts for ANAPEC: a coordinator sees only the people of the projects their partner studies.
        "region": ("bench.rsk", {**coordinator, "region": region, "partner": partners["ANAPEC"]}),
        "province": (
            "bench.khemisset",
            {"role": User.Role.STAFF, "national": False, "province": khemisset, "region": None},
        ),
        "indh_province": ("bench.indh.khemisset", {**coordinator, "province": khemisset, "partner": partners["INDH"]}),
        "indh_national": ("bench.indh", {**coordinator, "national": True, "partner": partners["INDH"]}),
        "anapec_national": ("bench.anapec", {**coordinator, "national": True, "partner": partners["ANAPEC"]}),
        "fm6rd_national": ("bench.fm6rd", {**coordinator, "national": True, "partner": partners["FM6RD"]}),
    }
    users = {}
    for scope, (username, fields) in wanted.items():
        user, created = User.objects.update_or_create(username=username, defaults={**fields, "is_active": True})
        if created:
            user.set_unusable_password()  # the bench logs in with force_login only
            user.save(update_fields=["password"])
        users[scope] = user
    return users


def province_weight(province: Province, rng: random.Random) -> float:
    """Prefectures (the big cities) hold more people; every province gets some."""
    return (3.0 if province.kind == Province.Kind.PREFECTURE else 1.0) * rng.uniform(0.5, 1.5)


def draw_people(count: int, rng: random.Random, progress) -> list[dict]:
    """`count` people across the 75 provinces (each gets some: the first 75 go one to each)."""
    provinces = list(Province.objects.order_by("code"))
    weights = [province_weight(province, rng) for province in provinces]
    people = []
    for index in range(count):
        province = provinces[index] if index < len(provinces) else rng.choices(provinces, weights)[0]
        person = person_fields(index, rng)
        person["id"] = index + 1
        person["province_id"] = province.pk
        person["commune"] = (
            rng.choice(names.KHEMISSET_COMMUNES) if province.code == KHEMISSET else province.name_fr.split(" (")[0]
        )
        person["registered"] = registered_on(person["release_date"], rng)
        people.append(person)
        if index % 1000 == 999:
            progress.advance(1000)
    return people


def registered_on(release: date | None, rng: random.Random) -> date:
    """Registered a few weeks to months after release (the programme's records start in 2015)."""
    start = max(release or date(2015, 1, 1), date(2015, 1, 1))
    return min(start + timedelta(days=rng.randrange(10, 240)), timezone.localdate())


def person_fields(index: int, rng: random.Random, cin_prefix: str | None = None) -> dict:
    """One plausible person. `index` makes the CIN unique; everything else comes from `rng`."""
    woman = rng.random() < WOMEN_SHARE
    spellings, first_ar = rng.choice(names.WOMEN if woman else names.MEN)
    last, last_ar = rng.choice(names.FAMILIES)
    first = rng.choice(spellings)
    script = rng.random()
    if script < 0.10:  # registered from an Arabic-only paper file
        first, last = "", ""
    elif script < 0.20:  # registered from a French-only spreadsheet
        first_ar, last_ar = "", ""
    born = date(1965, 1, 1) + timedelta(days=rng.randrange(42 * 365))
    today = timezone.localdate()
    of_age = date(born.year + 18, born.month, min(born.day, 28))  # 28: no 29 February trouble
    earliest_release = max(of_age, date(2012, 1, 1))
    latest_release = today - timedelta(days=30)
    release = None
    if earliest_release < latest_release and rng.random() > 0.05:
        release = earliest_release + timedelta(days=rng.randrange((latest_release - earliest_release).days))
    status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
    prefix = cin_prefix or names.CIN_PREFIXES[index % len(names.CIN_PREFIXES)]
    return {
        "cin": f"{prefix}{100000 + index}",
        "first_name": first,
        "last_name": last,
        "first_name_ar": first_ar,
        "last_name_ar": last_ar,
        "sex": Beneficiary.Sex.FEMALE if woman else Beneficiary.Sex.MALE,
        "date_of_birth": born,
        "phone": f"+2126{rng.randrange(10**8):08d}" if rng.random() < 0.8 else "",
        "release_date": release,
        "prison": rng.choice(names.PRISONS),
        "support_centre": "Centre d'accompagnement de Salé",
        "referral_source": rng.choice(Beneficiary.ReferralSource.values),
        "skills": rng.choice(names.TRADES),
        "education": rng.choice(Beneficiary.Education.values),
        "dependants": rng.randrange(6),
        "status": status,
        "exit_reason": rng.choice(Beneficiary.ExitReason.values) if status == Beneficiary.Status.EXITED else "",
    }


@cache
def name_keys(first: str, last: str, first_ar: str, last_ar: str) -> tuple:
    """(search_text, person_key, person_key_ar, sort_name, sort_name_ar), as `save()` computes them."""
    person = Beneficiary(first_name=first, last_name=last, first_name_ar=first_ar, last_name_ar=last_ar)
    person.refresh_name_keys()
    return person.search_text, person.person_key, person.person_key_ar, person.sort_name, person.sort_name_ar


@cache
def commune_key(commune: str) -> str:
    person = Beneficiary(commune=commune)
    person.refresh_name_keys()
    return person.commune_key


def row(person: dict, created_by: int, at) -> tuple:
    """The COPY row of `person`, in COLUMNS' order."""
    search, key, key_ar, sort, sort_ar = name_keys(
        person["first_name"], person["last_name"], person["first_name_ar"], person["last_name_ar"]
    )
    created = at(person["registered"])
    return (
        person["id"], person["cin"], "", person["first_name"], person["last_name"], person["first_name_ar"],
        person["last_name_ar"], person["sex"], person["date_of_birth"], person["phone"], "", person["commune"],
        person["education"], person["skills"], "", person["release_date"], person["prison"],
        person["support_centre"], person["referral_source"], person["dependants"], "", person["status"],
        person["exit_reason"], search, key, key_ar, None, created, created, created_by, None,
        person["province_id"], sort, sort_ar, commune_key(person["commune"]),
    )  # fmt: skip
