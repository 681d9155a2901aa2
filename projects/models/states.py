"""A project's statuses and outcomes, shared by the project, its events and its lists."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    STUDIED = "studied", _("Studied")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # Set by the disbursements app (first delivery, every line delivered) and by follow-up visits.
    IN_HANDOVER = "in_handover", _("In handover")
    FUNDED = "funded", _("Funded")
    OPERATING = "operating", _("Operating")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    THRIVING = "thriving", _("Thriving")
    STRUGGLING = "struggling", _("Struggling")
    CLOSED_DOWN = "closed_down", _("Closed down")
    ABANDONED = "abandoned", _("Abandoned")


# The statuses in which a partner has seen the project: coordinators see these, not drafts or withdrawals.
SHOWN_TO_PARTNERS = {s for s in ProjectStatus if s not in (ProjectStatus.DRAFT, ProjectStatus.WITHDRAWN)}
# The statuses in which an approved line holds its amount against the contribution: a rejected or
# withdrawn project commits nothing (its approved lines are released).
COMMITTING = {
    ProjectStatus.STUDIED,
    ProjectStatus.APPROVED,
    ProjectStatus.IN_HANDOVER,
    ProjectStatus.FUNDED,
    ProjectStatus.OPERATING,
    ProjectStatus.CLOSED,
}
# The statuses in which the business is followed up (until the disbursements app: from approval).
FOLLOWED_UP = {ProjectStatus.APPROVED, ProjectStatus.IN_HANDOVER, ProjectStatus.FUNDED, ProjectStatus.OPERATING}
# Approved, and every status a project reaches after it.
APPROVED_OR_LATER = {
    ProjectStatus.APPROVED,
    ProjectStatus.IN_HANDOVER,
    ProjectStatus.FUNDED,
    ProjectStatus.OPERATING,
    ProjectStatus.CLOSED,
}
# Before any decision is final: the lines of these projects are still asked for.
UNDER_WAY = {ProjectStatus.DRAFT, ProjectStatus.SUBMITTED, ProjectStatus.STUDIED}
