"""`manage.py generate_synthetic --beneficiaries 100000 --seed 1`, exposed by the dashboards app."""

from django.core.management.base import BaseCommand, CommandError

from synthetic.generate import Refused, generate


class Command(BaseCommand):
    help = (
        "Replace the synthetic national dataset (75 provinces, conventions, projects in every state, handovers, "
        "visits, reversals) by a new one. PostgreSQL only; refuses a database holding any other data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--beneficiaries", type=int, default=100_000, help="people to generate (default 100000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same data")

    def handle(self, *args, beneficiaries, seed, verbosity, **options):
        if beneficiaries < 100:
            raise CommandError("--beneficiaries must be at least 100 (one per province, and some projects).")
        try:
            done = generate(beneficiaries, seed=seed, stream=self.stderr._out, quiet=verbosity == 0)
        except Refused as refusal:
            raise CommandError(str(refusal)) from refusal
        figures = ", ".join(f"{value:,} {name}" for name, value in done.items() if name != "seconds")
        phases = ", ".join(f"{name} {value} s" for name, value in done["seconds"].items())
        self.stdout.write(self.style.SUCCESS(f"Synthetic dataset (seed {seed}): {figures}."))
        self.stdout.write(f"Time per phase: {phases}.")
