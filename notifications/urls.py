from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("gelezen/", views.notification_mark_all_read, name="mark_all_read"),
    path("instellingen/", views.preferences, name="preferences"),
    path("afmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("<int:pk>/gelezen/", views.notification_mark_read, name="mark_read"),
]
