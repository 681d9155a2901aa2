"""A history import's job: the beneficiary import's state machine (SpreadsheetImport), for a file of
a province's past projects (disbursements.history)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from beneficiaries.models.imports import SpreadsheetImport


class HistoryImport(SpreadsheetImport):
    """Uploaded, checked (the dry run), confirmed, written at once. Its report's counts are the rows'
    (new, unchanged, invalid) and what the commit writes (projects, lines, handovers, people)."""

    file = models.FileField(_("file"), upload_to="history/%Y/%m/")
    errors_file = models.FileField(_("file of invalid rows"), upload_to="history/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("history import")
        verbose_name_plural = _("history imports")
        ordering = ["-created_at", "-pk"]

    def get_absolute_url(self):
        return reverse("disbursements:history_detail", args=[self.pk])
