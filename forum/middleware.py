from django.conf import settings
from django.shortcuts import redirect
from django.utils import translation
from django.utils.cache import patch_vary_headers

from core.navigation import login_url

from .permissions import LoginToView


class ChosenLanguageMiddleware:
    """
    Dutch first: the site speaks Dutch unless the visitor chose another language
    with the language switch (a cookie). The browser's Accept-Language is not
    consulted, so an English browser on a Dutch civil servant's desk still gets
    the Dutch site. Replaces Django's LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


class LoginToViewMiddleware:
    """
    A visitor who follows a link to members-only content (``forum.permissions.LoginToView``) is
    led to the login page and back to it, as for any page that needs a login, rather than told
    that it does not exist. A member who is logged in but not admitted yet (waiting for approval,
    or refused) gets the 403 it is: logging in again would not show it, and would lead back here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if (
            isinstance(exception, LoginToView)
            and request.method in ("GET", "HEAD")
            and not request.user.is_authenticated
        ):
            return redirect(login_url(request.get_full_path()))
        return None
