"""A handover ceremony: the day a province hands equipment and cash to several people at once,
usually presided by the governor."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from disbursements.models.workflow import deliver_together
from disbursements.permissions import can_read_handovers
from partners.models import Partner
from territory.models import Province
from territory.scoping import province_q


class CeremonyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The ceremonies of the user's scope, for those who may read handovers (a ceremony names no
        one; its handovers are filtered apart, by Handover.objects.visible_to)."""
        if not can_read_handovers(user):
            return self.none()
        return self.filter(province_q(user))


class Ceremony(models.Model):
    province = models.ForeignKey(Province, models.PROTECT, related_name="+", verbose_name=_("province"))
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    presided_by = models.CharField(
        _("presided by"), max_length=200, help_text=_("For example: the Governor of Khémisset province.")
    )
    partners_present = models.ManyToManyField(Partner, blank=True, related_name="+", verbose_name=_("partners present"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[partners_present])
    objects = CeremonyQuerySet.as_manager()

    class Meta:
        verbose_name = _("ceremony")
        verbose_name_plural = _("ceremonies")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["province", "-held_on"], name="ceremony_province_date_idx")]

    def __str__(self):
        return f"{self.held_on:%d/%m/%Y} · {self.place}"

    def get_absolute_url(self):
        return reverse("disbursements:ceremony_detail", args=[self.pk])

    def deliver_all(self, *, by, on=None):
        """Every handover still planned for this ceremony delivered at once: all of them, or none
        (a ValidationError lists every reason). Returns the handovers delivered."""
        planned = list(self.handovers.filter(status="planned"))
        return deliver_together(planned, by=by, on=on or self.held_on)
