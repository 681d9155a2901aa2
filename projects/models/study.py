"""The technical partner's verdict on a project: feasible or not, the revenue expected, the amount recommended."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reintegration.lib.documents import validate_document
from reintegration.lib.text import validate_multiline


class Study(models.Model):
    """One per revision of the project: a project reopened after a rejection is studied again."""

    project = models.ForeignKey(
        "projects.MicroProject", models.PROTECT, related_name="studies", verbose_name=_("project")
    )
    revision = models.PositiveSmallIntegerField(_("revision"))
    partner = models.ForeignKey("partners.Partner", models.PROTECT, related_name="+", verbose_name=_("studied by"))
    feasible = models.BooleanField(_("feasible"))
    expected_monthly_revenue = models.DecimalField(
        _("expected monthly revenue (MAD)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    recommended_amount = models.DecimalField(
        _("recommended amount (MAD)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    notes = models.TextField(_("notes"), blank=True, validators=[validate_multiline])
    document = models.FileField(
        _("study document"),
        upload_to="documents/studies/%Y/",
        blank=True,
        validators=[validate_document],
        help_text=_("PDF, JPEG or PNG."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("study")
        verbose_name_plural = _("studies")
        ordering = ["-revision"]
        constraints = [
            models.UniqueConstraint(fields=["project", "revision"], name="projects_study_one_per_revision"),
            models.CheckConstraint(
                name="projects_study_amounts_not_negative",
                condition=models.Q(expected_monthly_revenue__gte=0, recommended_amount__gte=0),
            ),
        ]

    def __str__(self):
        return f"{self.project} (revision {self.revision})"

    def get_document_url(self):
        return reverse("projects:study_document", args=[self.pk])
