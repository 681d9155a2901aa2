"""The history import: a generated file of N funding lines of past projects, checked (dry run) then
written into Khémisset, as the `check_history` and `commit_history` tasks do it.

Each project has one or two lines (equipment from INDH, sometimes cash too) under a convention the
bench creates, and its lead is registered by the same file through the beneficiary columns, so the
commit writes people, projects, lines, handovers, items and ledger entries. Everything runs inside a
transaction rolled back at the end: the ledger is append-only, and the bench database stays as seeded.

    results = history.run(user, rows=5000)   # the lead wires it into bench/__main__.py
"""

import csv
import io
import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from bench.imports import import_result, measured
from bench.measure import BenchError, Result
from bench.seed import KHEMISSET, person_fields
from territory.models import Province

CIN_PREFIX = "ZH"  # people of the history bench; never produced by the seed
REFERENCE = "BENCH-HISTORY-2016"
HEADER = [
    "CIN", "Prénom", "Nom", "Prénom arabe", "Nom arabe", "Sexe", "Date de naissance", "Titre du projet", "Secteur",
    "Commune", "Coût total", "Apport personnel", "Référence convention", "Partenaire", "Montant", "Nature",
    "Date de remise",
]  # fmt: skip
TITLES = ["Atelier de couture", "Épicerie", "Élevage ovin", "Salon de coiffure", "Snack", "Menuiserie"]
SECTORS = ["Artisanat", "Commerce", "Élevage", "Services à la personne", "catering", "building"]


def run(user, *, rows: int = 5000, log=print) -> list[Result]:
    from disbursements.history import build_history_plan, read_history, write_history

    province = Province.objects.get(code=KHEMISSET)
    data = generate_csv(rows)
    with transaction.atomic():
        convention_for(province, rows)
        plan, dry = measured(lambda: build_history_plan(read_history(data, "bench-history.csv"), province))
        log(f"History import: dry run of {rows:,} rows in {dry['seconds']:.2f} s, counts {plan.counts}")
        if plan.counts["invalid"]:
            raise BenchError(f"the generated history file has invalid rows; first problems: {plan.problems[:3]}")
        plan, recheck = measured(lambda: build_history_plan(read_history(data, "bench-history.csv"), province))
        done, write = measured(lambda: write_history(plan, by=user, source="bench-history.csv"))
        log(f"History import: commit = re-check {recheck['seconds']:.2f} s + write {write['seconds']:.2f} s")
        transaction.set_rollback(True)
    if done["lines"] != rows:
        raise BenchError(f"the history import wrote {done['lines']} lines, not {rows}")
    commit = {key: recheck[key] + write[key] for key in ("seconds", "sql_seconds", "queries")}
    projects = f"{done['projects_new']:,} projects, {done['people_new']:,} new people"
    return [
        import_result(f"history import dry run · {rows:,} rows", dry, rows, projects),
        import_result(
            f"history import commit · {rows:,} rows", commit, rows, "as commit_history: check again, then write"
        ),
    ]


def convention_for(province, rows: int):
    """A provincial convention of 2016–2019 whose INDH and FM6RD contributions cover the whole file."""
    from partners.models import Contribution, Convention, Partner

    convention = Convention.objects.create(
        reference=REFERENCE,
        title="Bench: past projects",
        scope=Convention.Scope.PROVINCE,
        province=province,
        year=2016,
        starts_on=date(2016, 1, 1),
        ends_on=date(2019, 12, 31),
        envelope=Decimal(rows * 40000),
    )
    for acronym in ("INDH", "FM6RD"):
        partner = Partner.objects.get(acronym=acronym)
        Contribution.objects.create(convention=convention, partner=partner, amount=Decimal(rows * 20000))
    return convention


def generate_csv(rows: int) -> bytes:
    """`rows` funding lines: projects of one line, or two (equipment from INDH, cash from FM6RD)."""
    rng = random.Random(1916)  # noqa: S311 - test data, not secrets
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    written, index = 0, 0
    while written < rows:
        person = person_fields(index, rng, cin_prefix=CIN_PREFIX)
        kind = index % len(TITLES)
        lines = [("INDH", 20000, "Matériel")] + ([("FM6RD", 6000, "Espèces")] if rng.random() < 0.4 else [])
        lines = lines[: rows - written]
        own = 1000
        cost = own + sum(amount for _, amount, _ in lines)
        delivered = date(2016, 2, 1) + timedelta(days=index % 1300)
        for partner, amount, nature in lines:
            writer.writerow(
                [
                    person["cin"], person["first_name"], person["last_name"], person["first_name_ar"],
                    person["last_name_ar"], person["sex"], person["date_of_birth"].strftime("%d/%m/%Y"),
                    f"{TITLES[kind]} {index}", SECTORS[kind], "Tiflet", cost, own, REFERENCE, partner, amount,
                    nature, delivered.strftime("%d/%m/%Y"),
                ]
            )  # fmt: skip
            written += 1
        index += 1
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
