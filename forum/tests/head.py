"""What a page's ``<head>`` says to feed readers, search engines and shared-link previews, read as HTML."""

from html.parser import HTMLParser


class HeadTags(HTMLParser):
    """The ``<link>`` and ``<meta>`` elements of a page, each as a dict of its attributes."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.links: list[dict] = []
        self.metas: list[dict] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "link":
            self.links.append(dict(attrs))
        elif tag == "meta":
            self.metas.append(dict(attrs))

    def alternates(self) -> dict[str, str]:
        """The feeds a page names: type to address."""
        return {link["type"]: link["href"] for link in self.links if link.get("rel") == "alternate"}

    def canonical(self) -> str | None:
        return next((link["href"] for link in self.links if link.get("rel") == "canonical"), None)

    def meta(self, key: str) -> str | None:
        """The content of ``<meta name=key>`` or ``<meta property=key>``."""
        return next((m["content"] for m in self.metas if key in (m.get("name"), m.get("property"))), None)


def head_of(response) -> HeadTags:
    assert response.status_code == 200
    return HeadTags(response.content.decode())
