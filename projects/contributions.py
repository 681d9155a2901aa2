"""What the projects app adds to the shared pages: menu entries with the worklists' counts, the
people coordinators need to know, the timeline of a person's projects, the amounts committed
from each convention, and the projects panel of a person's record. Found by
reintegration.lib.contributions."""

from collections import Counter
from urllib.parse import urlencode

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.models import FundingLine, MicroProject, ProjectEvent
from projects.models.states import APPROVED_OR_LATER, UNDER_WAY
from projects.permissions import can_draft_projects, can_read_projects
from reintegration.lib.contributions import HomeCard, NavEntry, RecordPanel
from reintegration.lib.money import format_mad


def _studies(user) -> bool:
    return can_read_projects(user) and user.acting_partner_id is not None and user.partner.is_technical


def _decides(user) -> bool:
    return can_read_projects(user) and user.acting_partner_id is not None and not user.partner.is_technical


NAVIGATION = [
    NavEntry(gettext_lazy("Projects"), "projects:list", visible=can_read_projects),
    NavEntry(
        gettext_lazy("Awaiting my study"),
        "projects:awaiting_study",
        visible=_studies,
        count=lambda user: MicroProject.objects.awaiting_study(user).count(),
    ),
    NavEntry(
        gettext_lazy("Awaiting my approval"),
        "projects:awaiting_approval",
        visible=_decides,
        count=lambda user: MicroProject.objects.awaiting_approval(user).count(),
    ),
    NavEntry(
        gettext_lazy("Visits due"),
        "projects:visits_due",
        visible=can_read_projects,
        count=lambda user: MicroProject.objects.visits_due(user).count(),
    ),
]


def home_card(user) -> dict | None:
    """The projects in the user's scope and what waits for them: the menu's worklists, counted once more."""
    if not can_read_projects(user):
        return None
    worklists = [entry for entry in NAVIGATION if entry.count and entry.visible(user)]
    return {
        "in_scope": MicroProject.objects.visible_to(user).count(),
        "can_draft": can_draft_projects(user),
        "worklists": [
            {"label": entry.label, "url_name": entry.url_name, "count": entry.count(user)} for entry in worklists
        ],
    }


HOME_CARDS = [HomeCard("projects/home_cards.html", context=home_card)]


def beneficiaries_known_to(user):
    """A coordinator needs to know the people of the projects submitted to their partner."""
    projects = MicroProject.objects.visible_to(user)
    co_beneficiaries = MicroProject.co_beneficiaries.through.objects.filter(microproject__in=projects)
    return [projects.values("lead"), co_beneficiaries.values("beneficiary")]


def timeline_events(beneficiary, user):
    """The person's projects and their transitions, as far as `user` may see them: a coordinator
    sees the decisions on their own partner's lines, not the other funders'."""
    projects = MicroProject.objects.visible_to(user).of_beneficiary(beneficiary)
    events = ProjectEvent.objects.filter(project__in=projects).select_related("project", "by", "line__partner")
    if user.role == user.Role.COORDINATOR:
        events = events.filter(Q(line__isnull=True) | Q(line__partner=user.acting_partner_id))
    timeline = [
        (project.created_at, _("Project drafted: %(title)s") % {"title": project.title}, project.created_by)
        for project in projects.select_related("created_by")
    ]
    return timeline + [(event.at, event_label(event), event.by) for event in events]


def event_label(event) -> str:
    label = {"title": event.project.title, "action": event.get_action_display()}
    if event.line:
        label["action"] = f"{label['action']} ({event.line.partner.acronym}, {format_mad(event.line.amount)})"
    if event.from_status != event.to_status:
        # Translators: the arrow points from the old status to the new one: ← in right-to-left text.
        label["action"] += " · " + _("%(old)s → %(new)s") % {"old": event.from_label, "new": event.to_label}
    return _("Project %(title)s: %(action)s") % label


def convention_amounts(convention_ids) -> dict:
    """{"committed": {(convention id, partner id): amount}, "beneficiaries": {convention id: people
    with an approved project}} for the convention pages (partners asks, not knowing this app)."""
    committed = (
        FundingLine.objects.committing()
        .filter(convention__in=convention_ids)
        .values("convention", "partner")
        .annotate(total=Sum("amount"))
    )
    # Distinct (convention, person) pairs: UNION drops a person counted twice in one convention.
    # No ordering, in the parts or the whole: a UNION cannot order by the lines' default ordering
    # (project, pk), which it does not select.
    approved = FundingLine.objects.filter(
        convention__in=convention_ids, decision=FundingLine.Decision.APPROVED, project__status__in=APPROVED_OR_LATER
    )
    leads = approved.order_by().values_list("convention", "project__lead")
    collective = approved.filter(project__co_beneficiaries__isnull=False)
    people = Counter(
        convention
        for convention, _person in leads.union(
            collective.order_by().values_list("convention", "project__co_beneficiaries")
        ).order_by()
    )
    # Lines still waiting for their decision in projects under way: a party asked for them cannot
    # leave the convention (their approval would find no contribution).
    asked = (
        FundingLine.objects.filter(
            convention__in=convention_ids, decision=FundingLine.Decision.PENDING, project__status__in=UNDER_WAY
        )
        .values("convention", "partner")
        .annotate(total=Sum("amount"))
    )
    return {
        "committed": {(row["convention"], row["partner"]): row["total"] for row in committed},
        "asked": {(row["convention"], row["partner"]): row["total"] for row in asked},
        "beneficiaries": dict(people),
    }


def projects_of_person(beneficiary, user):
    """The record page's panel: the person's projects this user may see, and for staff and admins
    the way to draft one for them (not for someone who left the programme)."""
    if not can_read_projects(user):
        return None
    projects = MicroProject.objects.visible_to(user).of_beneficiary(beneficiary).order_by("-created_at", "-pk")
    actions = []
    if can_draft_projects(user) and beneficiary.status != beneficiary.Status.EXITED:
        url = f"{reverse('projects:create')}?{urlencode({'lead': beneficiary.pk})}"
        actions.append({"label": _("Draft a project"), "url": url})
    return {
        "heading": _("Projects"),
        "rows": [
            {"label": project.title, "url": project.get_absolute_url(), "status": project.get_status_display()}
            for project in projects
        ],
        "empty": _("No project yet."),
        "actions": actions,
    }


RECORD_PANELS = [RecordPanel(context=projects_of_person)]
