"""Load the demo story: each app contributes its part in a `demo.py` module (found like contributions.py).

Apps are visited in INSTALLED_APPS order (lower floors first), so beneficiaries
find the users and provinces they need. Every part is idempotent.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from reintegration.lib.contributions import app_modules


class Command(BaseCommand):
    help = "Create the demo users and the demo programme data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DJANGO_DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to load demo data with DJANGO_DEBUG off; pass --force if you mean it.")
        with transaction.atomic(), translation.override("en"):
            for module in app_modules("demo"):
                module.load(self.stdout)
