"""The person's consents (Law 09-08): given for a purpose, withdrawn once, kept in history."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Consent(models.Model):
    """The person's agreement to their data being processed, as Law 09-08 requires."""

    class Purpose(models.TextChoices):
        PROGRAMME = "programme", _("Registration and support in the programme")
        PARTNERS = "partners", _("Sharing with partners for study, funding and follow-up")
        PUBLICITY = "publicity", _("Photos and name at public ceremonies")

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary", models.PROTECT, related_name="consents", verbose_name=_("beneficiary")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    given_on = models.DateField(_("given on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="beneficiaries_consent_withdrawn_after_given",
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                violation_error_message=_("The withdrawal date cannot be before the consent was given."),
            )
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} ({self.given_on})"

    def withdraw(self, day, *, by) -> None:
        """Record that the person took this consent back on `day`. A consent is withdrawn once."""
        with transaction.atomic():
            # Lock first: two tabs or two colleagues could record the withdrawal at once.
            current = Consent.objects.select_for_update().get(pk=self.pk)
            if current.withdrawn_on:
                raise ValidationError(_("This consent was already withdrawn."), code="already_withdrawn")
            current.withdrawn_on = day
            current._history_user = by
            current.save(update_fields=["withdrawn_on"])
        self.withdrawn_on = day
