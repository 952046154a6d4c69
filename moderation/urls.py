"""Moderation's addresses: the same paths as when they were the forum's, under the namespace "moderation"."""

from django.urls import path, register_converter

from forum.converters import ContentKindConverter, PostKindConverter

from .views import members, objections, posts, problem_reports, queue, reports, sanctions, transparency

app_name = "moderation"

register_converter(ContentKindConverter, "content_kind")
register_converter(PostKindConverter, "post_kind")

urlpatterns = [
    path("discussie/<int:pk>/moderatie/<slug:action>/", posts.thread_moderate, name="thread_moderate"),
    path("reactie/<int:pk>/moderatie/<slug:action>/", posts.reply_moderate, name="reply_moderate"),
    path("discussie/<int:pk>/melden/", reports.thread_report, name="thread_report"),
    path("reactie/<int:pk>/melden/", reports.reply_report, name="reply_report"),
    path("leden/<slug:handle>/melden/", reports.member_report, name="member_report"),
    path("moderatie/", queue.moderation_queue, name="moderation_queue"),
    path("moderatie/probleem/<int:pk>/afgehandeld/", queue.problem_report_close, name="problem_report_close"),
    path("moderatie/wachtend/<post_kind:kind>/<int:pk>/<slug:decision>/", posts.held_decide, name="held_decide"),
    path("moderatie/<content_kind:kind>/<int:pk>/<slug:decision>/", reports.report_decide, name="report_decide"),
    path("moderatie/bezwaar/<int:pk>/", objections.objection_decide, name="objection_decide"),
    path("bezwaar/", objections.objection_list, name="objection_list"),
    path("bezwaar/<int:pk>/", objections.objection_create, name="objection_create"),
    path("bezwaar/link/<str:token>/", objections.objection_by_link, name="objection_by_link"),
    path("moderatie/logboek/", transparency.moderation_log, name="moderation_log"),
    # Measures against members: the same paths as when they were accounts'.
    path("moderatie/lid/<slug:handle>/", members.member_moderation, name="member_moderation"),
    path(
        "moderatie/lid/<slug:handle>/maatregel/<int:pk>/opheffen/",
        members.member_sanction_lift,
        name="member_sanction_lift",
    ),
    path("waarschuwing/", sanctions.warning, name="warning"),
    path("moderatie-in-cijfers/", transparency.moderation_figures, name="moderation_figures"),
    path("probleem-rapporteren/", problem_reports.problem_report, name="problem_report"),
]
