"""How measures against members read in templates."""

from django import template

from .. import selectors

register = template.Library()


@register.filter
def last_day(ends_at):
    """The last day a measure ending at ``ends_at`` is in force (a date), or ``ends_at`` when it is empty."""
    return selectors.last_day(ends_at) if ends_at else ends_at
