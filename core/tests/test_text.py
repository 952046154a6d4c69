from core.text import render_markdown


def test_markdown_renders_lists_quotes_and_emphasis():
    """Members' Markdown becomes lists, quotations and emphasis."""
    html = render_markdown("Intro met *nadruk*.\n\n- een\n- twee\n\n> citaat")
    assert "<em>nadruk</em>" in html
    assert "<ul>" in html and "<li>een</li>" in html
    assert "<blockquote>" in html


def test_raw_html_and_scripts_are_shown_as_text():
    """HTML typed by a member is escaped, never run."""
    html = render_markdown('<script>alert("x")</script> <b onclick="x()">vet</b>')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "onclick" not in html.replace("&quot;", "").split("&lt;b")[0]
    assert "<b " not in html


def test_links_are_marked_nofollow_ugc_noopener():
    """Every link in member text carries rel="nofollow ugc noopener"."""
    html = render_markdown("[Rob](https://www.raadopenbaarbestuur.nl) en https://example.nl")
    assert html.count('rel="nofollow ugc noopener"') == 2
    assert 'href="https://www.raadopenbaarbestuur.nl"' in html


def test_javascript_links_lose_their_href():
    """A javascript: link is not rendered as a clickable link."""
    html = render_markdown("[klik](javascript:alert(1))")
    assert "<a" not in html and "href" not in html


def test_headings_start_below_the_page_title():
    """A heading in a post is at most h2: the page's title is its only h1."""
    html = render_markdown("# Kop\n\n## Subkop")
    assert "<h1>" not in html
    assert "<h2>Kop</h2>" in html and "<h3>Subkop</h3>" in html


def test_images_are_not_loaded_from_other_sites():
    """No third-party request from any page: Markdown images are dropped."""
    html = render_markdown("![pixel](https://tracker.example/pixel.gif)")
    assert "<img" not in html
