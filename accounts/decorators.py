from functools import wraps

from django.core.exceptions import PermissionDenied


def role_required(predicate):
    """Answer 403 unless `predicate(user)` holds. Scope is checked by each lookup (404), not here."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
