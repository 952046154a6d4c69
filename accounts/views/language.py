from django.conf import settings
from django.views.i18n import set_language

from .. import services


def language_switch(request):
    """
    The language switch at the top of each page: Django's ``set_language`` (the cookie), and for a
    member who is logged in also the language of their e-mails and moderation notices.
    """
    response = set_language(request)
    language = request.POST.get("language")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.member_language_set(member=request.user, language=language)
    return response
