"""Seed the bench database: one user per scope and N beneficiaries across the 75 provinces.

Fast on purpose: `bulk_create` skips `save()`, so each instance computes its own search keys
first (`refresh_name_keys()`), and no history rows are written (the bench never reads them).
Deterministic (fixed random seed), so two seeds of the same size give the same registry.
"""

import random
import time
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from bench import names
from beneficiaries.models import Beneficiary
from partners.models import Partner
from reintegration.lib.append_only import triggers_suspended
from territory.models import Province, Region

KHEMISSET = "04.291"
RABAT_SALE_KENITRA = "04"
BATCH_SIZE = 5000
IMPORT_CIN_PREFIX = "ZZ"  # rows written by the import bench; never produced by the seed

# Former inmates in the programme are overwhelmingly men, and most are early in the pipeline.
STATUS_WEIGHTS = {
    Beneficiary.Status.REGISTERED: 30,
    Beneficiary.Status.ACCOMPANIED: 25,
    Beneficiary.Status.PROJECT_IN_PREPARATION: 15,
    Beneficiary.Status.FUNDED: 12,
    Beneficiary.Status.FOLLOWED_UP: 10,
    Beneficiary.Status.EXITED: 8,
}
WOMEN_SHARE = 0.08


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


def seeded_count() -> int:
    return Beneficiary.objects.exclude(cin__startswith=IMPORT_CIN_PREFIX).count()


def ensure_seeded(rows: int, *, reseed: bool, created_by: User, log=print) -> dict:
    """Seed `rows` beneficiaries unless the database already holds exactly that many."""
    present = seeded_count()
    if present == rows and not reseed:
        log(f"Seed: {present:,} beneficiaries already present, reusing them (--reseed forces a new seed).")
        # A migration may have rewritten every row since (derived name keys): fresh statistics,
        # or the planner may pick a sequential scan over the trigram index.
        vacuum_analyze()
        return {"rows": present, "seconds": 0.0, "reused": True}
    log(f"Seed: {present:,} present, {rows:,} wanted: seeding…")
    started = time.perf_counter()
    seed(rows, created_by=created_by)
    seconds = time.perf_counter() - started
    log(f"Seed: {rows:,} beneficiaries in {seconds:.1f} s ({rows / seconds:,.0f} rows/s), then VACUUM ANALYZE.")
    analyze_started = time.perf_counter()
    vacuum_analyze()
    log(f"Seed: VACUUM ANALYZE in {time.perf_counter() - analyze_started:.1f} s.")
    return {"rows": rows, "seconds": round(seconds, 2), "reused": False}


def seed(rows: int, *, created_by: User) -> None:
    rng = random.Random(20200817)  # noqa: S311 - test data, not secrets
    provinces = list(Province.objects.order_by("code"))
    weights = [province_weight(province, rng) for province in provinces]
    history_table = Beneficiary.history.model._meta.db_table
    with transaction.atomic():
        # Dependent tables go too (consents, access log): the bench database is disposable, and the
        # bench connects as a superuser, who alone may step past the access log's append-only triggers.
        with triggers_suspended(connection), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {Beneficiary._meta.db_table}, {history_table} RESTART IDENTITY CASCADE")
        batch = []
        for index in range(rows):
            province = rng.choices(provinces, weights)[0]
            batch.append(make_beneficiary(index, province, rng, created_by))
            if len(batch) == BATCH_SIZE:
                Beneficiary.objects.bulk_create(batch, batch_size=BATCH_SIZE)
                batch = []
        if batch:
            Beneficiary.objects.bulk_create(batch, batch_size=BATCH_SIZE)


def vacuum_analyze() -> None:
    # VACUUM also flushes the trigram index's pending list and sets the visibility map, as
    # autovacuum would have done long ago on a production table; it cannot run in a transaction.
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {Beneficiary._meta.db_table}")


def province_weight(province: Province, rng: random.Random) -> float:
    """Prefectures (the big cities) hold more people; every province gets some."""
    return (3.0 if province.kind == Province.Kind.PREFECTURE else 1.0) * rng.uniform(0.5, 1.5)


def make_beneficiary(index: int, province: Province, rng: random.Random, created_by: User) -> Beneficiary:
    fields = person_fields(index, rng)
    fields["commune"] = (
        rng.choice(names.KHEMISSET_COMMUNES) if province.code == KHEMISSET else province.name_fr.split(" (")[0]
    )
    beneficiary = Beneficiary(**fields, province=province, created_by=created_by)
    beneficiary.refresh_name_keys()  # bulk_create skips save(), which computes them
    return beneficiary


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
