from django.conf import settings

# The warning before the session ends: time enough to come back to the screen and answer it.
SESSION_WARNING_SECONDS = 5 * 60


def session_timeout(request):
    """How long a session lives without a request, for the warning before it ends and the log-in
    page after (SESSION_COOKIE_AGE, renewed by every request: SESSION_SAVE_EVERY_REQUEST)."""
    return {
        "session_seconds": settings.SESSION_COOKIE_AGE,
        "session_minutes": settings.SESSION_COOKIE_AGE // 60,
        "session_warning_seconds": min(SESSION_WARNING_SECONDS, settings.SESSION_COOKIE_AGE // 2),
        "session_warning_minutes": min(SESSION_WARNING_SECONDS, settings.SESSION_COOKIE_AGE // 2) // 60,
    }
