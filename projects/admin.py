"""Micro-projects and what hangs off them, in the admin: read-mostly, with their history.

Projects, funding lines, studies, decisions and visits are made through the workflow
(MicroProject's transitions: they check the role, lock and write an event); the admin never adds
or deletes them, and changes only a project's descriptive fields (a misspelt title, a commune).
A project's page names its people, so each look at it is in the access log.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from beneficiaries.access import log_access
from beneficiaries.models import AccessLog
from projects.models import FollowUpVisit, FundingLine, MicroProject, ProjectEvent, Study
from reintegration.lib.admin import (
    GuardedHistoryAdmin,
    ReadOnlyAdmin,
    ReadOnlyHistoryAdmin,
    SavesOnlyChangedFields,
)
from reintegration.lib.money import format_mad

DESCRIPTIVE_FIELDS = ["title", "sector", "activity", "commune", "expected_jobs"]


class InProjectsInScope:
    """Records of the projects the administrator may see (every one, for a national admin: the
    rule is MicroProject's all the same). Their pages name a project, not a person: nothing to log."""

    def get_queryset(self, request):
        projects = MicroProject.objects.visible_to(request.user)
        return super().get_queryset(request).filter(project__in=projects)

    def log_page(self, request, object_id) -> bool:
        return self.get_queryset(request).filter(pk=object_id).exists()


class FundingLineInline(admin.TabularInline):
    model = FundingLine
    fields = ["partner", "convention", "amount_mad", "kind", "decision", "decided_by", "decided_at", "decision_reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("amount (MAD)"))
    def amount_mad(self, line):
        return format_mad(line.amount)


@admin.register(MicroProject)
class MicroProjectAdmin(SavesOnlyChangedFields, GuardedHistoryAdmin):
    # No lead in the list: a list of names would be an unlogged look at people.
    list_display = ["title", "province", "sector", "status", "created_at"]
    list_filter = ["status", "sector", "province__region"]
    search_fields = ["title", "commune"]
    list_select_related = ["province"]
    readonly_fields = [
        "lead",
        "co_beneficiaries",
        "province",
        "total_cost_mad",
        "own_contribution_mad",
        "technical_partner",
        "status",
        "outcome",
        "revision",
        "submitted_by",
        "submitted_at",
        "approved_on",
        "first_delivery_on",
        "next_visit_due",
        "created_by",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": DESCRIPTIVE_FIELDS}),
        (_("People and place"), {"fields": ["lead", "co_beneficiaries", "province"]}),
        (_("Funding plan"), {"fields": ["total_cost_mad", "own_contribution_mad", "technical_partner"]}),
        (
            _("Workflow"),
            {
                "fields": [
                    "status",
                    "outcome",
                    "revision",
                    "submitted_by",
                    "submitted_at",
                    "approved_on",
                    "first_delivery_on",
                    "next_visit_due",
                    "created_by",
                    "created_at",
                ],
                "description": _("Changed only by the project's own pages: submit, study, approve, reject, visit."),
            },
        ),
    ]
    inlines = [FundingLineInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def log_page(self, request, object_id) -> bool:
        # The page names the lead and the co-beneficiaries: a look at each of them.
        project = self.get_queryset(request).filter(pk=object_id).first()
        if project:
            for person in project.beneficiaries():
                log_access(request.user, AccessLog.Action.VIEW, beneficiary=person)
        return project is not None

    @admin.display(description=_("total cost (MAD)"))
    def total_cost_mad(self, project):
        return format_mad(project.total_cost)

    @admin.display(description=_("own contribution (MAD)"))
    def own_contribution_mad(self, project):
        return format_mad(project.own_contribution)


@admin.register(Study)
class StudyAdmin(InProjectsInScope, ReadOnlyHistoryAdmin):
    list_display = ["project", "revision", "partner", "feasible", "recorded_by", "recorded_at"]
    list_filter = ["feasible", "partner"]
    search_fields = ["project__title"]
    list_select_related = ["project", "partner", "recorded_by"]
    exclude = ["document"]
    readonly_fields = ["study_document"]

    @admin.display(description=_("study document"))
    def study_document(self, study):
        # Documents live outside any public URL: the application's view serves them, in scope.
        if not study.document:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("projects:study_document", args=[study.pk]), _("Download"))


@admin.register(FollowUpVisit)
class FollowUpVisitAdmin(InProjectsInScope, ReadOnlyHistoryAdmin):
    list_display = ["project", "visited_on", "visitor", "business_status", "equipment_in_use", "next_visit_due"]
    list_filter = ["business_status", "equipment_in_use"]
    search_fields = ["project__title"]
    list_select_related = ["project", "visitor"]
    date_hierarchy = "visited_on"


@admin.register(ProjectEvent)
class ProjectEventAdmin(InProjectsInScope, ReadOnlyAdmin):
    """Append-only (the database refuses changes too): read and filter, nothing else. No history:
    an event is itself history and is never changed."""

    list_display = ["at", "project", "action", "from_label", "to_label", "by"]
    list_filter = ["action"]
    search_fields = ["project__title"]
    list_select_related = ["project", "by"]
    date_hierarchy = "at"

    @admin.display(description=_("from"))
    def from_label(self, event):
        return event.from_label or "—"

    @admin.display(description=_("to"))
    def to_label(self, event):
        return event.to_label or "—"
