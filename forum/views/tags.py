"""Tags: a tag's page with its discussions, and the moderators' page to rename and merge tags."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from core.navigation import errors_as_messages

from .. import permissions, selectors, services
from ..forms import TagMergeForm, TagRenameForm
from ..models import Tag


@require_GET
def tag_detail(request, slug):
    """The discussions with this tag that the viewer may see; a tag only on others' threads does not exist for them."""
    tag = get_object_or_404(Tag.objects.visible_to(request.standing).with_is_public(), slug=slug)
    threads = selectors.tag_threads(request.standing, tag)
    page = Paginator(threads, settings.FORUM_THREADS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "forum/tag_detail.html",
        {"tag": tag, "page_obj": page, "can_manage_tags": permissions.can_manage_tags(request.standing)},
    )


@login_required
@require_GET
def tag_manage(request):
    permissions.check_manage_tags(request.standing)
    tags = list(selectors.tags_for_moderators())
    return render(
        request,
        "forum/tag_manage.html",
        {"tags": tags, "rename_form": TagRenameForm(), "merge_form": TagMergeForm()},
    )


@login_required
@require_POST
def tag_rename(request):
    permissions.check_manage_tags(request.standing)
    form = TagRenameForm(request.POST)
    if form.is_valid():
        tag = form.cleaned_data["tag"]
        old = tag.name
        try:
            changed = services.tag_rename(acting_user=request.user, tag=tag, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error("name", error)
        else:
            if changed:
                messages.success(
                    request, _("The tag “%(old)s” is now called “%(new)s”.") % {"old": old, "new": tag.name}
                )
            return redirect("forum:tag_manage")
    errors_as_messages(request, form)
    return redirect("forum:tag_manage")


@login_required
@require_POST
def tag_merge(request):
    permissions.check_manage_tags(request.standing)
    form = TagMergeForm(request.POST)
    if form.is_valid():
        into = form.cleaned_data["into"]
        merged = services.tags_merge(acting_user=request.user, tags=form.cleaned_data["tags"], into=into)
        messages.success(
            request,
            ngettext("%(count)s tag merged into “%(tag)s”.", "%(count)s tags merged into “%(tag)s”.", merged)
            % {"count": merged, "tag": into.name},
        )
        return redirect("forum:tag_manage")
    errors_as_messages(request, form)
    return redirect("forum:tag_manage")
