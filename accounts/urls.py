from django.urls import path

from .views import profiles, review, terms

app_name = "accounts"

urlpatterns = [
    path("algemene-voorwaarden/", terms.terms, name="terms"),
    path("algemene-voorwaarden/accepteren/", terms.terms_accept, name="terms_accept"),
    path("aanmeldingen/", review.application_list, name="applications"),
    path(
        "aanmeldingen/<int:pk>/<slug:decision>/",
        review.application_decide,
        name="application_decide",
    ),
    path("leden/<slug:handle>/", profiles.profile, name="profile"),
]
