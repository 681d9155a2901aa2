"""The bench's data is the synthetic national dataset (`synthetic/`, `manage.py generate_synthetic`):
generated with seed 1 unless the database already holds one of the wanted size.

The names the other bench modules import from here stay here (people, provinces, the import prefix).
"""

from django.db import connection

from beneficiaries.models import Beneficiary
from synthetic import generate
from synthetic.people import IMPORT_CIN_PREFIX, KHEMISSET, bench_users, person_fields  # noqa: F401

SEED = 1


def ensure_seeded(rows: int, projects: int, *, reseed: bool, log=print) -> dict:
    """Generate `rows` people and `projects` projects unless exactly those are there already."""
    present = generate.present()
    if present["beneficiaries"] == rows and present["projects"] == projects and present["handovers"] and not reseed:
        log(f"Seed: {rows:,} beneficiaries, {projects:,} projects already present, reusing them (--reseed forces it).")
        # A migration may have rewritten every row since: fresh statistics, or the planner may pick
        # a sequential scan over the trigram index.
        generate.vacuum_analyze_all()
        return {**present, "seconds": 0.0, "reused": True}
    from bench.imports import remove_imported_rows

    remove_imported_rows()  # a crashed import bench's rows would make the generator refuse
    log(f"Seed: generating the synthetic dataset ({rows:,} people, {projects:,} projects, seed {SEED})…")
    done = generate.generate(rows, seed=SEED, projects=projects)
    log(f"Seed: done in {done['seconds']['total']} s ({done['seconds']}).")
    return {**done, "reused": False}


def vacuum_analyze() -> None:
    # VACUUM also flushes the trigram index's pending list and sets the visibility map, as
    # autovacuum would have done long ago on a production table; it cannot run in a transaction.
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {Beneficiary._meta.db_table}")
