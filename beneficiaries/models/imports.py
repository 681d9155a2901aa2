"""A spreadsheet import's job: its state machine, raced safely by the web page and the task worker."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territory.models import Province
from territory.scoping import province_q

WORKER_GRACE = timedelta(seconds=60)


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(province_q(user))


class SpreadsheetImport(models.Model):
    """One spreadsheet import: uploaded, checked row by row (dry run), then confirmed and written at once.

    The report holds message codes and parameters, not sentences: each page renders them in the
    reader's language (see beneficiaries.importing.messages). Abstract: the beneficiary import's
    ImportJob and the history import's HistoryImport (disbursements) share this state machine.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be checked")
        VALIDATING = "validating", _("Checking the rows")
        VALIDATED = "validated", _("Checked: waiting for confirmation")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    RUNNING = (Status.QUEUED, Status.VALIDATING, Status.IMPORTING)
    CANCELLABLE = (Status.QUEUED, Status.VALIDATING, Status.VALIDATED)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    province = models.ForeignKey(Province, models.PROTECT, related_name="+", verbose_name=_("province"))
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    # Built by the worker when it checks the file, so that downloading it reads nothing; it goes with the upload.
    errors_file = models.FileField(_("file of invalid rows"), upload_to="imports/%Y/%m/", blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    skip_invalid = models.BooleanField(_("import only the valid rows"), default=False)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.original_name} ({self.created_at:%Y-%m-%d %H:%M})" if self.created_at else self.original_name

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    def waits_for_a_worker(self, now=None) -> bool:
        """Queued (or confirmed) for more than WORKER_GRACE and not started: no worker may be running.

        The check starts within a second when `manage.py db_worker` runs; a commit's worker sets
        processed_rows after its first chunk of rows.
        """
        now = now or timezone.now()
        if self.status == self.Status.QUEUED:
            return now - self.created_at > WORKER_GRACE
        if self.status == self.Status.IMPORTING and not self.processed_rows and self.confirmed_at:
            return now - self.confirmed_at > WORKER_GRACE
        return False

    @property
    def counts(self) -> dict:
        return self.report.get("counts", {})

    @property
    def invalid_rows(self) -> int:
        return self.counts.get("invalid", 0)

    @property
    def valid_rows(self) -> int:
        return sum(self.counts.get(key, 0) for key in ("new", "updated", "unchanged"))

    # Each transition is one conditional UPDATE: the web page and the worker may race (a cancel
    # while the check finishes), and only the first to move the job from the expected state wins.
    def _move(self, from_states, to, **fields) -> bool:
        moved = type(self).objects.filter(pk=self.pk, status__in=from_states).update(status=to, **fields)
        if moved:
            self.status = to
            for name, value in fields.items():
                setattr(self, name, value)
        return bool(moved)

    def start_checking(self) -> bool:
        return self._move([self.Status.QUEUED], self.Status.VALIDATING, processed_rows=0)

    start_checking.alters_data = True  # a template never calls it: {{ job.start_checking }} renders nothing

    def record_preview(self, report: dict) -> bool:
        """The dry run's result; also where a commit returns when the registry changed since the preview."""
        return self._move(
            [self.Status.VALIDATING, self.Status.IMPORTING],
            self.Status.VALIDATED,
            report=report,
            processed_rows=self.total_rows,
            confirmed_by=None,
            confirmed_at=None,
        )

    def confirm(self, *, by, skip_invalid: bool, decisions: dict | None = None) -> None:
        """The user's go-ahead after the preview, with what to do with each probable duplicate
        (`decisions`, {"<row>": "new" | "skip" | "merge"}, validated by the form); "new" confirms it."""
        if self.status != self.Status.VALIDATED:
            raise ValidationError(_("This import is not waiting for confirmation."), code="bad_transition")
        if self.invalid_rows and not skip_invalid:
            raise ValidationError(
                _("The file has invalid rows: correct them, or choose to import only the valid rows."),
                code="invalid_rows",
            )
        if not self.valid_rows:
            raise ValidationError(_("The file has no valid row to import."), code="nothing_to_import")
        moved = self._move(
            [self.Status.VALIDATED],
            self.Status.IMPORTING,
            skip_invalid=skip_invalid,
            report={**self.report, "decisions": decisions or {}},
            confirmed_by=by,
            confirmed_at=timezone.now(),
            processed_rows=0,
        )
        if not moved:
            raise ValidationError(_("This import is not waiting for confirmation."), code="bad_transition")

    def keep_errors(self, content: bytes | None) -> None:
        """Store the file of invalid rows of the latest check (None: no row is invalid), replacing the last one.

        Only while the job runs: a job cancelled meanwhile has forgotten its files, and one stored
        after that would stay on disk for good.
        """
        previous = self.errors_file.name
        if content:
            self.errors_file.save("import-errors.csv", ContentFile(content), save=False)
        else:
            self.errors_file = ""
        kept = type(self).objects.filter(pk=self.pk, status__in=self.RUNNING).update(errors_file=self.errors_file.name)
        if not kept:
            if content:
                self.errors_file.delete(save=False)
        elif previous and previous != self.errors_file.name:
            # Once the new name is committed: a rollback would leave the row naming the old file.
            storage = self.errors_file.storage
            transaction.on_commit(lambda: storage.delete(previous))

    keep_errors.alters_data = True

    def forget_file(self) -> None:
        """Delete the upload and its file of invalid rows: personal data the registry does not need once the
        job is over."""
        # The names as stored now: the worker may have stored the file of invalid rows after this object was read.
        names = type(self).objects.filter(pk=self.pk).values_list("file", "errors_file").first() or ()
        type(self).objects.filter(pk=self.pk).update(file="", errors_file="")
        for name in names:
            if name:
                self.file.storage.delete(name)
        self.file = self.errors_file = ""

    forget_file.alters_data = True

    def cancel(self) -> None:
        if not self._move(self.CANCELLABLE, self.Status.CANCELLED, finished_at=timezone.now()):
            raise ValidationError(_("This import can no longer be cancelled."), code="bad_transition")
        self.forget_file()  # personal data that will never be imported

    cancel.alters_data = True

    def finish(self, report: dict) -> bool:
        return self._move([self.Status.IMPORTING], self.Status.DONE, report=report, finished_at=timezone.now())

    def fail(self, code: str, **params) -> bool:
        """Stop for good, saying why (a message code of beneficiaries.importing.messages)."""
        report = {**self.report, "failure": {"code": code, "params": params}}
        return self._move(self.RUNNING, self.Status.FAILED, report=report, finished_at=timezone.now())


class ImportJob(SpreadsheetImport):
    """An import of beneficiaries (beneficiaries.importing)."""

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def get_absolute_url(self):
        return reverse("beneficiaries:import_detail", args=[self.pk])
