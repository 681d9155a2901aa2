"""The project screens for reading: the list and its export, the worklists, a project's page."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.db.models import DecimalField, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from beneficiaries.access import log_access
from beneficiaries.models import AccessLog
from projects import permissions
from projects.forms import ProjectFilterForm
from projects.models import FundingLine, MicroProject
from projects.permissions import can_read_projects
from reintegration.lib import contributions
from reintegration.lib.listing import KeysFirstPaginator, page_or_fragment
from reintegration.lib.personal_data import role_required
from reintegration.lib.spreadsheets import CONTENT_TYPES, csv_bytes, download, xlsx_bytes

PAGE_SIZE = 25
ZERO = Decimal("0")


@dataclass(frozen=True)
class Worklist:
    """A list of the projects waiting for the user, with what it is and its usual order."""

    url_name: str
    title: str
    explanation: str
    default_sort: str
    shows_due: bool = False


AWAITING_STUDY = Worklist(
    "projects:awaiting_study",
    gettext_lazy("Awaiting my study"),
    gettext_lazy(
        "Projects submitted for your partner's technical and financial study. Record the study from "
        "each project's page: feasible projects go on to the funders, the others are rejected."
    ),
    default_sort="created",
)
AWAITING_APPROVAL = Worklist(
    "projects:awaiting_approval",
    gettext_lazy("Awaiting my approval"),
    gettext_lazy(
        "Studied projects with a funding line of your partner still to decide. The projects you "
        "submitted yourself are not listed: someone else must decide on them."
    ),
    default_sort="created",
)
VISITS_DUE = Worklist(
    "projects:visits_due",
    gettext_lazy("Follow-up visits due"),
    gettext_lazy(
        "Businesses whose next follow-up visit falls due within two weeks, or is overdue. Visits "
        "fall due 3, 6, 12 and 24 months after the first handover (until then, after approval)."
    ),
    default_sort="due",
    shows_due=True,
)


def asked_from_partners():
    """What the funding lines ask for in all, as a subquery: no GROUP BY over the list's joins."""
    lines = FundingLine.objects.filter(project=OuterRef("pk")).order_by().values("project")
    total = lines.annotate(total=Sum("amount")).values("total")
    return Coalesce(Subquery(total), ZERO, output_field=DecimalField(max_digits=14, decimal_places=2))


def listed(projects):
    """The rows as the list and the export show them."""
    return projects.with_list_relations().annotate(asked=asked_from_partners())


# --- lists ---------------------------------------------------------------------------------


@role_required(can_read_projects)
def project_list(request):
    return list_page(request, MicroProject.objects.visible_to(request.user))


@role_required(can_read_projects)
def awaiting_study(request):
    return list_page(request, for_partners(request.user, MicroProject.objects.awaiting_study), worklist=AWAITING_STUDY)


@role_required(can_read_projects)
def awaiting_approval(request):
    waiting = for_partners(request.user, MicroProject.objects.awaiting_approval)
    return list_page(request, waiting, worklist=AWAITING_APPROVAL)


def for_partners(user, worklist):
    """A partner's worklist: nothing for staff and admins, who study and decide nothing (a filter
    on "no partner" would match the projects without a technical partner)."""
    return worklist(user) if user.acting_partner_id is not None else MicroProject.objects.none()


@role_required(can_read_projects)
def visits_due(request):
    return list_page(request, MicroProject.objects.visits_due(request.user), worklist=VISITS_DUE)


def list_page(request, projects, *, worklist=None, status=200):
    """The list (or its results fragment for htmx) of `projects` narrowed by the filters; also the
    answer of a refused export, so its message appears where the user was."""
    filters = ProjectFilterForm(request.GET, user=request.user)
    default_sort = worklist.default_sort if worklist else "-created"
    paginator = KeysFirstPaginator(
        filters.filter(projects, default_sort=default_sort),
        PAGE_SIZE,
        rows=listed(MicroProject.objects.all()),
    )
    response = page_or_fragment(
        request,
        "projects/list.html",
        "results",
        {
            "filters": filters,
            "worklist": worklist,
            "page": paginator.get_page(request.GET.get("page")),
            "today": timezone.localdate(),
            "can_draft": permissions.can_draft_projects(request.user),
        },
    )
    response.status_code = status
    return response


@role_required(can_read_projects)
def project_export(request, file_format):
    """The filtered list as CSV or XLSX. It names people, so it is logged as the registry's export is."""
    if file_format not in CONTENT_TYPES:
        raise Http404
    filters = ProjectFilterForm(request.GET, user=request.user)
    if not filters.is_valid():
        messages.error(request, _("Nothing was exported: correct the filters below first."))
        return list_page(request, MicroProject.objects.visible_to(request.user), status=400)
    projects = listed(filters.filter(MicroProject.objects.visible_to(request.user))).prefetch_related(
        "co_beneficiaries"
    )
    header, rows = [str(header) for header, _value in COLUMNS], []
    for project in projects.iterator(chunk_size=2000):
        rows.append([value(project) for _header, value in COLUMNS])
    title = str(capfirst(MicroProject._meta.verbose_name_plural))
    content = xlsx_bytes(header, rows, title=title) if file_format == "xlsx" else csv_bytes(header, rows)
    log_access(request.user, AccessLog.Action.EXPORT, query=f"projects?{request.GET.urlencode()}", row_count=len(rows))
    day = f"{timezone.localdate():%Y-%m-%d}.{file_format}"
    return download(content, f"{title}-{day}", ascii_filename=f"projects-{day}")


def label(name: str) -> str:
    return capfirst(MicroProject._meta.get_field(name).verbose_name)


def local_day(moment):
    return timezone.localtime(moment).date()


COLUMNS = [
    (label("title"), lambda project: project.title),
    (label("lead"), lambda project: project.lead.display_name()),
    (
        label("co_beneficiaries"),
        lambda project: pgettext("between the items of a list", ", ").join(
            person.display_name() for person in project.co_beneficiaries.all()
        ),
    ),
    (label("sector"), lambda project: project.get_sector_display()),
    (label("province"), lambda project: project.province.name),
    (label("commune"), lambda project: project.commune),
    (label("total_cost"), lambda project: project.total_cost),
    (label("own_contribution"), lambda project: project.own_contribution),
    (gettext_lazy("Asked from partners (MAD)"), lambda project: project.asked),
    (label("expected_jobs"), lambda project: project.expected_jobs),
    (
        label("technical_partner"),
        lambda project: project.technical_partner.acronym if project.technical_partner else "",
    ),
    (label("status"), lambda project: project.get_status_display()),
    (label("created_at"), lambda project: local_day(project.created_at)),
    (label("updated_at"), lambda project: local_day(project.updated_at)),
]


# --- a project's page ------------------------------------------------------------------------


def _get_project_for_view(request, pk):
    """The project, when the user may see it (else 404: never say it exists elsewhere), with what
    its page shows. Who may read projects at all was asked first (role_required)."""
    lines = FundingLine.objects.select_related("partner", "convention", "decided_by")
    projects = (
        MicroProject.objects.visible_to(request.user)
        .select_related("lead__province", "province", "technical_partner", "created_by", "submitted_by")
        .prefetch_related(Prefetch("lines", queryset=lines), "co_beneficiaries")
    )
    return get_object_or_404(projects, pk=pk)


@role_required(can_read_projects)
def project_detail(request, pk):
    project = _get_project_for_view(request, pk)
    # The page names every person of the project (Law 09-08: who saw whose data, from any screen).
    for person in project.beneficiaries():
        log_access(request.user, AccessLog.Action.VIEW, beneficiary=person)
    return render(request, "projects/detail.html", detail_context(request, project))


def detail_context(request, project):
    user = request.user
    lines, others = funding_plan(user, project)
    actions = permissions.available_actions(user, project)
    return {
        "project": project,
        "co_beneficiaries": list(project.co_beneficiaries.all()),
        "lines": lines,
        "other_partners_total": others,
        "asked": project.funded_by_partners,
        "actions": actions,
        "can_edit": "edit" in actions,
        "study": project.studies.select_related("partner", "recorded_by").first(),
        "events": visible_events(user, project),
        "visits": project.visits.select_related("visitor"),
        "today": timezone.localdate(),
        "project_panels": contributions.project_panels(project, user),
    }


def funding_plan(user, project):
    """(lines shown in full, total of the others or None). A coordinator sees their own partner's
    lines, and the other partners' as one sum, so that the plan still adds up."""
    lines = list(project.lines.all())
    partner = user.acting_partner_id
    if partner is None:
        return lines, None
    own = [line for line in lines if line.partner_id == partner]
    others = [line for line in lines if line.partner_id != partner]
    return own, sum((line.amount for line in others), ZERO) if others else None


def visible_events(user, project):
    """The project's history; a coordinator sees the decisions on their own partner's lines only."""
    events = project.events.select_related("by", "line__partner")
    if user.acting_partner_id is not None:
        events = events.filter(Q(line__isnull=True) | Q(line__partner=user.acting_partner_id))
    return events
