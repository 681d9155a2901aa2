"""The access log's one entry point: every page, file or admin screen that shows people calls it.

    log_access(request.user, AccessLog.Action.VIEW, beneficiary=person)
    log_access(request.user, AccessLog.Action.EXPORT, query=request.GET.urlencode(), row_count=n)

Later apps call it too when a page of theirs shows a beneficiary (a project's lead, a handover's
recipient): Law 09-08 asks who saw whose personal data, whichever screen showed it.
"""

from beneficiaries.models import AccessLog


def log_access(user, action, *, beneficiary=None, query: str = "", row_count: int | None = None) -> AccessLog:
    return AccessLog.objects.create(
        user=user, action=action, beneficiary=beneficiary, query=query[:500], row_count=row_count
    )
