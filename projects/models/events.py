"""Every transition of a project, append-only: who moved it, when, from what, to what, and why."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models.states import ProjectStatus


class ProjectEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Project events are append-only.")

    def delete(self):
        raise PermissionError("Project events are append-only.")


class ProjectEvent(models.Model):
    class Action(models.TextChoices):
        # Context: what happened (an event of the history), not the status the project is in.
        SUBMIT = "submit", pgettext_lazy("project event", "Submitted")
        STUDY = "study", _("Study recorded")
        APPROVE_LINE = "approve_line", _("Funding line approved")
        REJECT_LINE = "reject_line", _("Funding line rejected")
        APPROVE = "approve", pgettext_lazy("project event", "Approved")
        REOPEN = "reopen", _("Reopened for revision")
        WITHDRAW = "withdraw", pgettext_lazy("project event", "Withdrawn")
        VISIT = "visit", _("Follow-up visit")
        CLOSE = "close", pgettext_lazy("project event", "Closed")
        # Written by the disbursements app.
        HANDOVER = "handover", _("Handover")
        REVERSAL = "reversal", _("Handover reversed")

    project = models.ForeignKey(
        "projects.MicroProject", models.PROTECT, related_name="events", verbose_name=_("project")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by"))
    action = models.CharField(_("action"), max_length=15, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=15, blank=True)
    to_status = models.CharField(_("to"), max_length=15, blank=True)
    # The funding line an approval or a rejection was about: a coordinator sees only their partner's.
    line = models.ForeignKey(
        "projects.FundingLine", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("funding line")
    )
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    comment = models.TextField(_("comment"), blank=True)

    objects = ProjectEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("project event")
        verbose_name_plural = _("project events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["project", "at"], name="projectevent_project_at_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Project events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Project events are append-only.")

    @property
    def from_label(self) -> str:
        return ProjectStatus(self.from_status).label if self.from_status else ""

    @property
    def to_label(self) -> str:
        return ProjectStatus(self.to_status).label if self.to_status else ""
