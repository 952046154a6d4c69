"""The URL configuration: no address is taken by a pattern listed before its own (the forum's come first)."""

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from forum.choices import ThreadList
from forum.models import ContentKind

SAMPLES = {
    "int": 7,
    "slug": "voorbeeld",
    "string": "iets",
    "path": "iets/anders",
    "uuid": "12345678-1234-5678-1234-567812345678",
    "contentkind": ContentKind.MEMBER,  # forum.converters
    "postkind": ContentKind.REPLY,
    "threadlist": ThreadList.ACTIVE,
}


def named_patterns(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def test_every_named_address_resolves_to_its_own_view():
    checked = 0
    for name, pattern in named_patterns():
        converters = getattr(pattern.pattern, "converters", {})
        if not converters and pattern.pattern.regex.groups:
            continue  # a bare regular expression (the admin's): no sample arguments to give
        kwargs = {
            key: SAMPLES[type(converter).__name__.removesuffix("Converter").lower()]
            for key, converter in converters.items()
        }
        url = reverse(name, kwargs=kwargs)
        match = resolve(url)
        assert match.view_name == name or match.func == pattern.callback, (
            f"{url} is taken by {match.view_name}, not {name}"
        )
        checked += 1
    assert checked > 50
