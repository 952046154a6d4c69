from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.cleaning import without_control_characters

from .. import permissions, profile_sections, services
from ..forms import ProfileForm
from ..models import Organisation, User

MEMBERS_PER_PAGE = 20
SEARCH_MAX_LENGTH = 100


def _member_for_profile(handle: str) -> User:
    """The member whose profile ``handle`` is; 404 when there is none (also for former members)."""
    member = get_object_or_404(User.objects.select_related("organisation"), handle=handle)
    permissions.check_profile_exists(member)
    return member


@require_GET
def profile(request, handle):
    member = _member_for_profile(handle)
    if not permissions.can_view_profile(request.standing, member):
        # Visitors see that the member exists, and nothing else of them.
        return render(request, "accounts/profile.html", {"member": member, "can_view": False})
    is_own_profile = request.user.is_authenticated and request.user.pk == member.pk
    return render(
        request,
        "accounts/profile.html",
        {
            "member": member,
            "can_view": True,
            "is_own_profile": is_own_profile,
            "managed_organisations": (
                Organisation.objects.filter(pk__in=permissions.managed_organisation_ids(request.standing))
                if is_own_profile
                else []
            ),
            # What other apps add: moderation the links to moderate and to report the member, the forum
            # the member's latest discussions and replies.
            "actions": profile_sections.sections_for(request, member, profile_sections.Place.ACTIONS),
            "sections": profile_sections.sections_for(request, member),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    member = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, member=member)
        if form.is_valid():
            data = form.cleaned_data
            services.profile_update(
                member=member,
                display_name=data["display_name"],
                job_title=data["job_title"],
                bio=data["bio"],
                profile_visibility=data["profile_visibility"],
                avatar=form.new_avatar,
                remove_avatar=form.remove_avatar,
            )
            messages.success(request, _("Your profile has been saved."))
            return redirect(member.get_absolute_url())
    else:
        form = ProfileForm(member=member)
    return render(request, "accounts/profile_form.html", {"form": form, "member": member})


def _search_terms(value: str) -> str:
    """The search as typed, without control characters (a NUL byte breaks PostgreSQL) and not too long."""
    return " ".join(without_control_characters(value).split())[:SEARCH_MAX_LENGTH]


@login_required
@require_GET
def directory(request):
    permissions.check_view_directory(request.standing)
    search = _search_terms(request.GET.get("q", ""))
    # Queries: the number of members found, one page of them with their organisations.
    page = Paginator(User.objects.in_directory().search(search), MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/member_directory.html",
        {
            "page_obj": page,
            "members": page.object_list,
            "search": search,
            "extra_query": urlencode({"q": search}) if search else "",
        },
    )
