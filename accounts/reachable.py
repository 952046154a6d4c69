"""The pages every member can always reach, whatever the site still asks of them first."""

# Pages a member can always reach, before two-step verification is set up or new terms are
# accepted: the account and security pages, the terms and privacy pages, their own data, the
# language switch, the files. Apps above accounts add theirs with ``always_reachable`` from their
# ``ready()`` (moderation: the warning to acknowledge, the objection pages and the problem form;
# notifications: unsubscribing), and moderation's own middleware asks ``is_always_reachable`` too.
_always_reachable: list[str] = [
    "/accounts/",
    "/algemene-voorwaarden/",
    "/pagina/",
    "/mijn-gegevens/",
    "/i18n/",
    "/static/",
    "/media/",
    "/favicon.ico",
]


def always_reachable(*prefixes: str) -> None:
    """Let every member reach the pages whose path starts with one of ``prefixes``, whatever they still have to do."""
    _always_reachable.extend(prefix for prefix in prefixes if prefix not in _always_reachable)


def is_always_reachable(path: str) -> bool:
    return path.startswith(tuple(_always_reachable))
