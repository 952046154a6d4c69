"""
Which members an @mention names: the text pipeline (``core.mentions``) parses the mentions and asks
this lookup, which ``AccountsConfig.ready`` gives it, for the members behind the names.
"""

from django.db.models import CharField, Func, Q

from .models import User


class _FoldedCase(Func):
    """
    ``LOWER()`` over all of Unicode on every database. SQLite's own LOWER()
    only folds ASCII, so there a Python function takes its place.
    """

    function = "LOWER"
    output_field = CharField()
    sqlite_function = "FORUM_UNICODE_LOWER"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function=self.sqlite_function, **extra_context)


def _sqlite_lower(value):
    return value.lower() if isinstance(value, str) else value


def add_sqlite_functions(sender, connection, **kwargs):
    """
    SQLite: the Python LOWER() once per new connection (Django's ``connection_created``), not per
    query: SQLite refuses to replace a function while a write to an FTS5 table (search's index)
    waits for its commit.
    """
    if connection.vendor == "sqlite":
        connection.connection.create_function(_FoldedCase.sqlite_function, 1, _sqlite_lower, deterministic=True)


def members_named(names: set[str], handles: set[str]):
    """Active members, not former, whose folded display name is in ``names`` or handle in ``handles``: one query."""
    return (
        User.objects.filter(is_active=True, is_former_member=False)
        .annotate(mention_name=_FoldedCase("display_name"))
        .filter(Q(mention_name__in=names) | Q(handle__in=handles))
    )
