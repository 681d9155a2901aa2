"""The study documents: served only to those who may see the project, each download logged."""

from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from beneficiaries.access import log_access
from beneficiaries.models import AccessLog
from projects.models import MicroProject, Study
from projects.permissions import can_read_projects
from reintegration.lib.documents import serve_document
from reintegration.lib.personal_data import role_required


@require_safe
@role_required(can_read_projects)
def study_document(request, pk):
    """The file of a study of a project the user may see (else 404, as for the project itself:
    scope and a coordinator's need to know). A study is about a person's project: Law 09-08 asks
    who downloaded it, as for their record."""
    visible = Study.objects.filter(project__in=MicroProject.objects.visible_to(request.user))
    study = get_object_or_404(visible.select_related("project__lead"), pk=pk)
    response = serve_document(study.document, f"study-{study.project_id}-{study.revision}")
    log_access(request.user, AccessLog.Action.DOCUMENT, beneficiary=study.project.lead, query=f"study={study.pk}")
    return response
