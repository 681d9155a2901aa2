"""Import a CSV or XLSX file of beneficiaries into one province, with the rules of the web import.

    manage.py import_beneficiaries people.xlsx --province 04.291 [--dry-run] [--skip-invalid] [--user NAME]

Exits non-zero when the file is refused, or has invalid rows and --skip-invalid is not given
(a dry run too, so that it can gate a script). Messages are in the default language (settings).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import User
from beneficiaries.importing import FileRefused, build_plan, read_upload, render_all, write_plan
from beneficiaries.permissions import can_edit_registry
from territory.models import Province
from territory.scoping import visible_provinces


class Command(BaseCommand):
    help = "Import beneficiaries from a CSV or XLSX file into one province (all rows, or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8) or .xlsx file")
        parser.add_argument("--province", required=True, help="HCP code of the province, e.g. 04.291")
        parser.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
        parser.add_argument("--skip-invalid", action="store_true", help="import the valid rows, leave the others")
        parser.add_argument("--user", help="who imports (default: the first active administrator)")

    def handle(self, *args, file, province, dry_run, skip_invalid, user, **options):
        province = self.province(province)
        user = self.importer(user, province)
        table = self.read(Path(file))
        plan = build_plan(table, province)
        self.print_report(plan)
        if plan.counts["invalid"] and not skip_invalid:
            raise CommandError(
                _("%(count)s invalid rows: nothing imported. Correct them, or use --skip-invalid.")
                % {"count": plan.counts["invalid"]}
            )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
            return
        write_plan(plan, by=user, skip_invalid=skip_invalid, reason="import_beneficiaries command")
        self.stdout.write(self.style.SUCCESS(_("Imported.")))

    def province(self, code):
        try:
            return Province.objects.get(code=code)
        except Province.DoesNotExist:
            raise CommandError(_("No province has the code %(code)s.") % {"code": code}) from None

    def importer(self, username, province):
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(_("No active user is named %(name)s.") % {"name": username})
        else:
            user = User.objects.filter(role=User.Role.ADMIN, is_active=True).order_by("pk").first()
            if user is None:
                raise CommandError(_("No active administrator: create one, or name the importer with --user."))
        if not (self.may_import(user) and visible_provinces(user).filter(pk=province.pk).exists()):
            raise CommandError(_("%(name)s may not import into %(province)s.") % {"name": user, "province": province})
        return user

    def may_import(self, user) -> bool:
        """Who may run this import (the history import's command, a subclass, says its own)."""
        return can_edit_registry(user)

    # How the file's bytes become a table (the history import's command reads its own columns).
    read_table = staticmethod(read_upload)

    def read(self, path):
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}) from None
        try:
            return self.read_table(data, path.name)
        except FileRefused as refused:
            raise CommandError("\n".join(item["message"] for item in render_all(refused.problems))) from None

    def print_report(self, plan):
        counts = plan.counts
        self.stdout.write(
            _("new: %(new)s, updated: %(updated)s, unchanged: %(unchanged)s, invalid: %(invalid)s") % counts
        )
        for column in plan.unknown_columns:
            name = column["name"] or column["letter"]
            self.stdout.write(self.style.WARNING(_("Unknown column ignored: %(name)s") % {"name": name}))
        for item in render_all(plan.problems):
            self.stdout.write(self.style.ERROR(self.line(item)))
        for item in render_all(plan.warnings):
            self.stdout.write(self.style.WARNING(self.line(item)))

    def line(self, item):
        return _("row %(row)s, %(column)s: %(message)s") % item
