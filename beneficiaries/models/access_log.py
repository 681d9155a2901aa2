"""Who saw whose personal data: append-only rows, written through beneficiaries.access.log_access."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from beneficiaries.models.beneficiary import Beneficiary


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The access log is append-only.")

    def delete(self):
        raise PermissionError("The access log is append-only.")


class AccessLog(models.Model):
    """Who saw which personal data, when: one row per detail view, CIN reveal, CIN search, export and
    document download.
    Append-only.

    Written through beneficiaries.access.log_access.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed the record")
        REVEAL_CIN = "reveal_cin", _("Revealed the CIN")
        EXPORT = "export", _("Exported a list")
        SEARCH_CIN = "search_cin", _("Searched by CIN")
        DOCUMENT = "document", _("Downloaded a document")
        RECEIPT = "receipt", _("Generated a receipt")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("user"))
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    beneficiary = models.ForeignKey(
        Beneficiary, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("beneficiary")
    )
    query = models.CharField(_("filters"), max_length=500, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The access log is append-only.")
