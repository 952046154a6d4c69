from django import template

from .. import selectors

register = template.Library()

OBJECTIONS_SHOWN = 50


@register.simple_tag
def objections_to_decide(user):
    """
    Open objections ``user`` may decide (not on their own decisions; for a moderator limited to
    themes, only on posts in those themes), oldest first, in one query:
    ``{% objections_to_decide standing as objections %}``.
    """
    return list(
        selectors.objections_to_decide(user)
        .select_related("decision__actor", "decision__target_type", "member")
        .order_by("created_at", "pk")[:OBJECTIONS_SHOWN]
    )
