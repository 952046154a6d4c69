"""Filters about members, for every template that shows one: ``{% load member_tags %}``."""

from django import template

from accounts import permissions
from accounts.standing import standing_of

register = template.Library()


@register.filter
def profile_visible_to(member, standing):
    """Whether the viewer (their standing) may open ``member``'s profile, and so see their photo."""
    return permissions.can_view_profile(standing_of(standing), member)


@register.filter
def initials(member):
    """
    Up to two letters for a member without a photo: the first letters of the first and last word of
    their name ("Fatou van den Hoff": "FH"); "?" for a former member, whose name is no longer shown.
    """
    if member.is_former_member:
        return "?"
    # The first letter or digit of each word ("'t Hooft": "H"; "Team 2.0": "T2").
    firsts = [next((char for char in word if char.isalnum()), "") for word in member.display_name.split()]
    firsts = [char for char in firsts if char]
    if not firsts:
        return "?"
    return (firsts[0] + (firsts[-1] if len(firsts) > 1 else "")).upper()
