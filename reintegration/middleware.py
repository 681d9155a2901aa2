from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Arabic unless the user picked another language with the switcher.

    The browser's Accept-Language is ignored on purpose: provincial offices share
    machines configured in French or English, and the programme works in Arabic.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def no_store_when_signed_in(get_response):
    """Pages shown to a signed-in user hold personal data: no browser or proxy keeps a copy,
    so the Back button after logging out shows nothing."""

    def middleware(request):
        response = get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response

    return middleware
