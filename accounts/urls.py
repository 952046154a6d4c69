from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("<slug:handle>/", views.profile, name="profile"),
]
