from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from . import feeds, sitemaps
from .converters import ThreadListConverter
from .views import engagement, pages, tags, threads

register_converter(ThreadListConverter, "threadlist")

app_name = "forum"

urlpatterns = [
    path("", threads.home, name="home"),
    path("discussies/", threads.thread_lists, name="lists"),
    path("discussies/<threadlist:kind>/", threads.thread_lists, name="list"),
    path("thema/<slug:slug>/", threads.theme_detail, name="theme"),
    path("thema/<slug:slug>/feed/", feeds.ThemeThreadsFeed(), name="theme_feed_rss"),
    path("thema/<slug:slug>/feed/atom/", feeds.ThemeThreadsAtomFeed(), name="theme_feed_atom"),
    path("thema/<slug:slug>/<threadlist:kind>/", threads.theme_detail, name="theme_list"),
    path("thema/<slug:slug>/nieuw/", threads.thread_create, name="thread_create"),
    path("nieuwe-discussie/vergelijkbaar/", threads.similar_threads, name="similar_threads"),
    path("thema/<slug:slug>/volgen/", engagement.theme_follow, name="theme_follow"),
    path("discussie/<int:pk>/", threads.thread_detail, name="thread_short"),
    path("discussie/<int:pk>-<slug:slug>/", threads.thread_detail, name="thread"),
    path("discussie/<int:pk>/feed/", feeds.ThreadRepliesFeed(), name="thread_feed_rss"),
    path("discussie/<int:pk>/feed/atom/", feeds.ThreadRepliesAtomFeed(), name="thread_feed_atom"),
    path("discussie/<int:pk>/reageren/", threads.reply_create, name="reply_create"),
    path("discussie/<int:pk>/bewerken/", threads.thread_edit, name="thread_edit"),
    path("discussie/<int:pk>/versies/", threads.thread_revisions, name="thread_revisions"),
    path("discussie/<int:pk>/waarderen/", engagement.thread_react, name="thread_react"),
    path("discussie/<int:pk>/waarderingen/", engagement.thread_reactions, name="thread_reactions"),
    path("discussie/<int:pk>/volgen/", engagement.thread_follow, name="thread_follow"),
    path("reactie/<int:pk>/", threads.reply_detail, name="reply"),
    path("reactie/<int:pk>/bewerken/", threads.reply_edit, name="reply_edit"),
    path("reactie/<int:pk>/versies/", threads.reply_revisions, name="reply_revisions"),
    path("reactie/<int:pk>/waarderen/", engagement.reply_react, name="reply_react"),
    path("reactie/<int:pk>/waarderingen/", engagement.reply_reactions, name="reply_reactions"),
    path("pagina/<slug:slug>/", pages.page_detail, name="page"),
    path("feed/", feeds.LatestThreadsFeed(), name="feed_rss"),
    path("feed/atom/", feeds.LatestThreadsAtomFeed(), name="feed_atom"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps.SITEMAPS, "sitemap_url_name": "forum:sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<slug:section>.xml", sitemap_views.sitemap, {"sitemaps": sitemaps.SITEMAPS}, name="sitemap_section"),
    path("tag/<slug:slug>/", tags.tag_detail, name="tag"),
    path("tag/<slug:slug>/feed/", feeds.TagThreadsFeed(), name="tag_feed_rss"),
    path("tag/<slug:slug>/feed/atom/", feeds.TagThreadsAtomFeed(), name="tag_feed_atom"),
    path("moderatie/tags/", tags.tag_manage, name="tag_manage"),
    path("moderatie/tags/hernoemen/", tags.tag_rename, name="tag_rename"),
    path("moderatie/tags/samenvoegen/", tags.tag_merge, name="tag_merge"),
]
