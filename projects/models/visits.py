"""What a follow-up visit found: is the business running, is the equipment in use, what does it earn."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from reintegration.lib.text import validate_multiline

# The longest gap between two follow-up milestones is 12 months (12 → 24); a next visit further
# away than this is a mistyped year (2206 for 2026), which would hide the project from the worklist.
NEXT_VISIT_MAX_DAYS = 2 * 366


class FollowUpVisit(models.Model):
    class BusinessStatus(models.TextChoices):
        # Context: what a visitor found of the business, not the project's status or outcome.
        OPERATING = "operating", pgettext_lazy("business status", "Operating")
        STRUGGLING = "struggling", pgettext_lazy("business status", "Struggling")
        SUSPENDED = "suspended", pgettext_lazy("business status", "Suspended")
        CLOSED = "closed", pgettext_lazy("business status", "Closed")

    project = models.ForeignKey(
        "projects.MicroProject", models.PROTECT, related_name="visits", verbose_name=_("project")
    )
    visited_on = models.DateField(_("visited on"))
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("visitor"))
    business_status = models.CharField(_("business status"), max_length=12, choices=BusinessStatus.choices)
    equipment_in_use = models.BooleanField(_("equipment still in use"), default=True)
    monthly_revenue = models.DecimalField(
        _("estimated monthly revenue (MAD)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    jobs = models.PositiveSmallIntegerField(_("jobs"), default=1)
    notes = models.TextField(_("notes"), blank=True, validators=[validate_multiline])
    next_visit_due = models.DateField(_("next visit due"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["-visited_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="projects_followupvisit_next_after_visit",
                condition=models.Q(next_visit_due__isnull=True) | models.Q(next_visit_due__gt=models.F("visited_on")),
                violation_error_message=_("The next visit must fall after this one."),
            ),
        ]

    # What the visitor answers: two visits answering all of it alike are one visit posted twice.
    ANSWERS = (
        "visited_on",
        "business_status",
        "equipment_in_use",
        "monthly_revenue",
        "jobs",
        "notes",
        "next_visit_due",
    )

    def __str__(self):
        return f"{self.project} · {self.visited_on}"

    def clean(self):
        if self.visited_on is None:
            return
        if self.visited_on > timezone.localdate():
            raise ValidationError({"visited_on": _("A visit cannot be recorded before it happens.")})
        if self.project_id is not None:
            self.check_follows(self.project)
        if self.next_visit_due and self.next_visit_due > self.visited_on + timedelta(days=NEXT_VISIT_MAX_DAYS):
            raise ValidationError(
                {"next_visit_due": _("The next visit falls due within two years of this one: check the year.")}
            )

    def check_follows(self, project) -> None:
        """A visit comes after the approval, and after the visits already recorded: the latest one
        sets the next visit due and moves the project on (a forgotten older one would undo that)."""
        if project.approved_on and self.visited_on < project.approved_on:
            raise ValidationError(
                {
                    "visited_on": _("The project was approved on %(day)s: a follow-up visit comes after it.")
                    % {"day": date_format(project.approved_on, "d/m/Y")}
                }
            )
        last = project.visits.exclude(pk=self.pk).order_by("-visited_on", "-pk").first()
        if last is None:
            return
        if self.visited_on < last.visited_on:
            raise ValidationError(
                {
                    "visited_on": _("The last visit recorded was on %(day)s: a visit recorded now comes after it.")
                    % {"day": date_format(last.visited_on, "d/m/Y")}
                }
            )
        if all(getattr(self, name) == getattr(last, name) for name in self.ANSWERS):
            # The form posted twice (a double click, a reload): one visit, not two.
            raise ValidationError(_("This visit is already recorded."), code="duplicate")
