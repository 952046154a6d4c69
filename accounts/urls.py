from django.urls import path

from .views import organisations, privacy, profiles, review, terms

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
    path("organisatie/<int:pk>/", organisations.organisation_manage, name="organisation_manage"),
    path(
        "organisatie/<int:pk>/woordvoering/<int:member_pk>/",
        organisations.organisation_speaker,
        name="organisation_speaker",
    ),
    path(
        "organisatie/<int:pk>/accounts/<int:account_pk>/leden/",
        organisations.organisation_delegate_add,
        name="organisation_delegate_add",
    ),
    path(
        "organisatie/<int:pk>/accounts/<int:account_pk>/leden/<int:member_pk>/verwijderen/",
        organisations.organisation_delegate_remove,
        name="organisation_delegate_remove",
    ),
    path("leden/", profiles.directory, name="directory"),
    path("leden/<slug:handle>/", profiles.profile, name="profile"),
    path("mijn-profiel/", profiles.profile_edit, name="profile_edit"),
    path("mijn-gegevens/", privacy.my_data, name="my_data"),
    path("mijn-gegevens/download/", privacy.my_data_download, name="my_data_download"),
    path("mijn-gegevens/account-sluiten/", privacy.close_account, name="close_account"),
]
