from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from accounts.views import language

admin.site.site_header = _("Ambtenaar 2.0 administration")
admin.site.site_title = _("Ambtenaar 2.0 administration")
admin.site.index_title = _("Site administration")
# Administrators log in through the site's own login (allauth): the same form, two-step
# verification and rate limits as everywhere, then back to the admin.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include("forum.urls")),
    path("", include("moderation.urls")),
    path("zoeken/", include("search.urls")),
    path("beheer/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", language.language_switch, name="set_language"),
    path("meldingen/", include("notifications.urls")),
    path("", include("accounts.urls")),
    # What search engines may visit, and where the sitemap is (templates/robots.txt).
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
