from functools import wraps

from reintegration.lib.personal_data import refusal


def role_required(predicate):
    """Answer 403 unless `predicate(user)` holds (the personal-data 403 when the predicate guards
    personal data). Scope is checked by each lookup (404), not here."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise refusal(predicate)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
