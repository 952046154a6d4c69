from django.urls import path

from . import views

app_name = "forum"

urlpatterns = [
    path("", views.home, name="home"),
    path("thema/<slug:slug>/", views.theme_detail, name="theme"),
    path("thema/<slug:slug>/nieuw/", views.thread_create, name="thread_create"),
    path("discussie/<int:pk>/", views.thread_detail, name="thread_short"),
    path("discussie/<int:pk>-<slug:slug>/", views.thread_detail, name="thread"),
    path("discussie/<int:pk>/reageren/", views.reply_create, name="reply_create"),
    path("discussie/<int:pk>/bewerken/", views.thread_edit, name="thread_edit"),
    path("discussie/<int:pk>/versies/", views.thread_revisions, name="thread_revisions"),
    path("discussie/<int:pk>/moderatie/<slug:action>/", views.thread_moderate, name="thread_moderate"),
    path("reactie/<int:pk>/", views.reply_detail, name="reply"),
    path("reactie/<int:pk>/bewerken/", views.reply_edit, name="reply_edit"),
    path("reactie/<int:pk>/versies/", views.reply_revisions, name="reply_revisions"),
    path("reactie/<int:pk>/moderatie/<slug:action>/", views.reply_moderate, name="reply_moderate"),
    path("probleem-rapporteren/", views.problem_report, name="problem_report"),
    path("pagina/<slug:slug>/", views.page_detail, name="page"),
]
