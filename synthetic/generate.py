"""The synthetic national dataset: people, conventions, projects and handovers, in one transaction.

Used by `manage.py generate_synthetic` and by the bench (`python -m bench`), so the benchmarks
measure the dataset the dashboards are built on. PostgreSQL only: rows go in by COPY, with the
secondary indexes dropped and built again after, and foreign keys and triggers suspended for the
load (`session_replication_role = replica`, a superuser's switch): the generator gives every id
itself, and tests check that no reference dangles.

Only a database that holds no other data is written: every beneficiary is created by the
`synthetic.generator` user, every convention's reference starts with "SYN-", so anything else
(the demo, real records) is found before a row is touched, and the run refuses.
"""

import random
import time
from datetime import date, datetime, timedelta
from functools import cache

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from beneficiaries.models import Beneficiary
from dashboards.models import Summary
from disbursements.models import Ceremony, Handover, HandoverItem, HandoverSequence, LedgerEntry
from partners.models import Contribution, Convention, Partner
from projects.models import FollowUpVisit, FundingLine, MicroProject, ProjectEvent, Study
from reintegration.lib.append_only import triggers_suspended
from reintegration.lib.freshness import figures_changed
from synthetic import load, people
from synthetic.handovers import Handovers
from synthetic.progress import Progress, Silent
from synthetic.projects import PREFIX, Cast, Projects, make_conventions, write_conventions
from territory.models import Province, Region

PROJECT_SHARE = 0.8  # projects per beneficiary (each led by a different person)
FILLED = [
    Beneficiary, MicroProject, FundingLine, Study, ProjectEvent, FollowUpVisit, Contribution, Convention,
    Handover, HandoverItem, LedgerEntry, HandoverSequence, Ceremony,
]  # fmt: skip


class Refused(Exception):
    """The database is not one the generator may write."""


def tables() -> list[str]:
    names = [model._meta.db_table for model in FILLED]
    names += [model.history.model._meta.db_table for model in FILLED if hasattr(model, "history")]
    names += [MicroProject.co_beneficiaries.through._meta.db_table, Ceremony.partners_present.through._meta.db_table]
    return names


def foreign_data() -> list[str]:
    """What the database holds that the generator did not write (empty: it may be replaced)."""
    generator = User.objects.filter(username=people.GENERATOR).first()  # None: every row is someone else's
    found = {
        "beneficiaries": Beneficiary.objects.exclude(created_by=generator),
        "projects": MicroProject.objects.exclude(lead__created_by=generator),
        "conventions": Convention.objects.exclude(reference__startswith=PREFIX),
        "handovers": Handover.objects.exclude(project__lead__created_by=generator),
    }
    return [f"{queryset.count():,} {name}" for name, queryset in found.items() if queryset.exists()]


def check_writable() -> None:
    if connection.vendor != "postgresql":
        raise Refused(
            f"The synthetic dataset is written with PostgreSQL's COPY; this database is {connection.vendor}. "
            "Point DATABASE_URL at a PostgreSQL database."
        )
    foreign = foreign_data()
    if foreign:
        raise Refused(
            "This database holds data the generator did not write ("
            + ", ".join(foreign)
            + "): refusing to replace it. Use an empty database (createdb, then manage.py migrate)."
        )


def generate(
    beneficiaries: int, *, seed: int, projects: int | None = None, stream=None, quiet=False, vacuum=True
) -> dict:
    """Replace the synthetic dataset by a new one; return the counts and each phase's seconds.
    `vacuum=False` skips the final VACUUM ANALYZE, which cannot run inside a transaction (tests)."""
    check_writable()
    started = time.perf_counter()
    bar = Silent if quiet else (lambda label, total: Progress(label, total, stream))
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    today = timezone.localdate()
    at = moment_maker()
    projects = round(beneficiaries * PROJECT_SHARE) if projects is None else projects
    generator, users = people.generator_user(), people.bench_users()
    seconds = {}
    with transaction.atomic(), triggers_suspended(connection):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")  # one commit at the end: nothing to wait for
            cursor.execute(f"TRUNCATE {', '.join(tables())} RESTART IDENTITY CASCADE")
        indexes = load.secondary_indexes(tables())
        load.drop_indexes(indexes)

        progress = bar("People", beneficiaries)
        crowd = people.draw_people(beneficiaries, rng, progress)
        seconds["people"] = progress.done()

        progress = bar("Projects", projects)
        cast = make_cast(users)
        handovers = Handovers(
            dict(Province.objects.values_list("pk", "abbreviation")), users["province"].pk, rng, at, today
        )
        writer = Projects(cast, handovers, rng, at, today)
        by_province = {}
        for person in crowd:
            by_province.setdefault(person["province_id"], []).append(person)
        # One project in each province at least: the first people drawn are one per province.
        first = len(by_province)
        leads = crowd[:first] + rng.sample(crowd[first:], projects - first)
        for number, lead in enumerate(leads):
            writer.write(lead, by_province[lead["province_id"]])
            if number % 1000 == 999:
                progress.advance(1000)
        writer.finish()
        handovers.finish()
        conventions = write_conventions(cast)
        seconds["projects_and_handovers"] = progress.done(f"({handovers.counts['handovers']:,} handovers)")

        progress = bar("Beneficiaries", beneficiaries)
        registry = load.Table(Beneficiary, people.COLUMNS)
        for person in crowd:
            registry.add(people.row(person, generator.pk, at))
            if person["id"] % 1000 == 0:
                progress.advance(1000)
        registry.finish()
        seconds["beneficiaries_copy"] = progress.done()

        progress = bar("Indexes", len(indexes))
        load.create_indexes(indexes, progress)
        seconds["indexes"] = progress.done()
        # COPY sends no signal: the dashboards' summaries of the former data are dropped (the next
        # reader computes them) and every cached figure goes at the commit.
        Summary.objects.all().delete()
        figures_changed()
    if vacuum:
        progress = bar("Analyze", len(FILLED))
        load.vacuum_analyze([model._meta.db_table for model in FILLED], progress)
        seconds["vacuum_analyze"] = progress.done()
    seconds["total"] = time.perf_counter() - started
    return {
        "beneficiaries": beneficiaries,
        "conventions": conventions,
        **writer.counts,
        **handovers.counts,
        "seconds": {phase: round(value, 1) for phase, value in seconds.items()},
    }


def make_cast(users: dict) -> Cast:
    partners = dict(Partner.objects.values_list("acronym", "pk"))
    cast = Cast(
        partners=partners,
        submitter_for={users["province"].province_id: users["province"].pk, None: users["national"].pk},
        decider={"INDH": users["indh_national"].pk, "FM6RD": users["fm6rd_national"].pk},
        visitor=users["anapec_national"].pk,
        region_of=dict(Province.objects.values_list("pk", "region_id")),
    )
    regions = dict(Region.objects.values_list("pk", "code"))
    make_conventions(cast, regions, list(Province.objects.order_by("code").values_list("pk", "code")))
    return cast


def moment_maker():
    """10:00 local time on a day, memoised: the rows share few days, and make_aware is not free."""

    @cache
    def at(day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=10))

    return at


def present() -> dict:
    """What a previous run left, for the bench's reuse check."""
    return {
        "beneficiaries": Beneficiary.objects.exclude(cin__startswith=people.IMPORT_CIN_PREFIX).count(),
        "projects": MicroProject.objects.count(),
        "handovers": Handover.objects.count(),
    }


def vacuum_analyze_all() -> None:
    load.vacuum_analyze([model._meta.db_table for model in FILLED], Silent("Analyze", len(FILLED)))
