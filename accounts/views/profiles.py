from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from forum.models import Reply, Thread

from ..models import User

PROFILE_ITEMS = 10


@require_GET
def profile(request, handle):
    member = get_object_or_404(User, handle=handle)
    threads = Thread.objects.visible_to(request.user).with_related().filter(author=member).order_by("-created_at")
    replies = (
        Reply.objects.visible_to(request.user)
        .filter(author=member, thread__in=Thread.objects.visible_to(request.user))
        .select_related("thread")
        .order_by("-created_at")
    )
    return render(
        request,
        "accounts/profile.html",
        {
            "member": member,
            "threads": threads[:PROFILE_ITEMS],
            "replies": replies[:PROFILE_ITEMS],
        },
    )
