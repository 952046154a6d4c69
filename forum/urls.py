from django.urls import path

from .views import engagement, moderation, objections, pages, queue, reports, threads, transparency

app_name = "forum"

urlpatterns = [
    path("", threads.home, name="home"),
    path("thema/<slug:slug>/", threads.theme_detail, name="theme"),
    path("thema/<slug:slug>/nieuw/", threads.thread_create, name="thread_create"),
    path("thema/<slug:slug>/volgen/", engagement.theme_follow, name="theme_follow"),
    path("discussie/<int:pk>/", threads.thread_detail, name="thread_short"),
    path("discussie/<int:pk>-<slug:slug>/", threads.thread_detail, name="thread"),
    path("discussie/<int:pk>/reageren/", threads.reply_create, name="reply_create"),
    path("discussie/<int:pk>/bewerken/", threads.thread_edit, name="thread_edit"),
    path("discussie/<int:pk>/versies/", threads.thread_revisions, name="thread_revisions"),
    path("discussie/<int:pk>/waarderen/", engagement.thread_react, name="thread_react"),
    path("discussie/<int:pk>/waarderingen/", engagement.thread_reactions, name="thread_reactions"),
    path("discussie/<int:pk>/volgen/", engagement.thread_follow, name="thread_follow"),
    path("discussie/<int:pk>/moderatie/<slug:action>/", moderation.thread_moderate, name="thread_moderate"),
    path("reactie/<int:pk>/", threads.reply_detail, name="reply"),
    path("reactie/<int:pk>/bewerken/", threads.reply_edit, name="reply_edit"),
    path("reactie/<int:pk>/versies/", threads.reply_revisions, name="reply_revisions"),
    path("reactie/<int:pk>/waarderen/", engagement.reply_react, name="reply_react"),
    path("reactie/<int:pk>/waarderingen/", engagement.reply_reactions, name="reply_reactions"),
    path("reactie/<int:pk>/moderatie/<slug:action>/", moderation.reply_moderate, name="reply_moderate"),
    path("discussie/<int:pk>/melden/", reports.thread_report, name="thread_report"),
    path("reactie/<int:pk>/melden/", reports.reply_report, name="reply_report"),
    path("leden/<slug:handle>/melden/", reports.member_report, name="member_report"),
    path("moderatie/", queue.moderation_queue, name="moderation_queue"),
    path("moderatie/probleem/<int:pk>/afgehandeld/", queue.problem_report_close, name="problem_report_close"),
    path("moderatie/wachtend/<slug:kind>/<int:pk>/<slug:decision>/", moderation.held_decide, name="held_decide"),
    path("moderatie/<slug:kind>/<int:pk>/<slug:decision>/", reports.report_decide, name="report_decide"),
    path("moderatie/bezwaar/<int:pk>/", objections.objection_decide, name="objection_decide"),
    path("bezwaar/", objections.objection_list, name="objection_list"),
    path("bezwaar/<int:pk>/", objections.objection_create, name="objection_create"),
    path("bezwaar/link/<str:token>/", objections.objection_by_link, name="objection_by_link"),
    path("moderatie/logboek/", transparency.moderation_log, name="moderation_log"),
    path("moderatie-in-cijfers/", transparency.moderation_figures, name="moderation_figures"),
    path("probleem-rapporteren/", pages.problem_report, name="problem_report"),
    path("pagina/<slug:slug>/", pages.page_detail, name="page"),
]
