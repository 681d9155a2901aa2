"""Import a province's past projects from a CSV or XLSX file, with the rules of the web import.

    manage.py import_history khemisset-2016-2019.xlsx --province 04.291 [--dry-run] [--skip-invalid] [--user NAME]

Exits non-zero when the file is refused, or has invalid rows and --skip-invalid is not given
(a dry run too, so that it can gate a script). Messages are in the default language (settings).
"""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from beneficiaries.importing import render_all
from beneficiaries.management.commands.import_beneficiaries import Command as BeneficiaryImportCommand
from disbursements.history import SpendingChanged, build_history_plan, read_history, write_history
from disbursements.permissions import can_manage_handovers


class Command(BeneficiaryImportCommand):
    help = "Import a province's past projects (funded before Idmaj) from a CSV or XLSX file (all rows, or nothing)."

    def handle(self, *args, file, province, dry_run, skip_invalid, user, **options):
        province = self.province(province)
        user = self.importer(user, province)
        path = Path(file)
        table = self.read(path)
        plan = build_history_plan(table, province)
        self.print_report(plan)
        if plan.counts["invalid"] and not skip_invalid:
            raise CommandError(
                _("%(count)s invalid rows: nothing imported. Correct them, or use --skip-invalid.")
                % {"count": plan.counts["invalid"]}
            )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
            return
        try:
            write_history(plan, by=user, source=path.name, skip_invalid=skip_invalid)
        except SpendingChanged:
            raise CommandError(_("A contribution changed while the file was checked: run the import again.")) from None
        self.stdout.write(self.style.SUCCESS(_("Imported.")))

    def may_import(self, user) -> bool:
        return can_manage_handovers(user)

    read_table = staticmethod(read_history)

    def print_report(self, plan):
        counts = plan.counts
        self.stdout.write(
            _(
                "projects new: %(projects_new)s, unchanged: %(projects_unchanged)s; lines: %(lines)s, "
                "handovers: %(handovers)s, new people: %(people_new)s, new ceremonies: %(ceremonies_new)s; "
                "invalid rows: %(invalid)s"
            )
            % counts
        )
        for column in plan.unknown_columns:
            name = column["name"] or column["letter"]
            self.stdout.write(self.style.WARNING(_("Unknown column ignored: %(name)s") % {"name": name}))
        for item in render_all(plan.problems):
            self.stdout.write(self.style.ERROR(self.line(item)))
        for item in render_all(plan.warnings):
            self.stdout.write(self.style.WARNING(self.line(item)))
