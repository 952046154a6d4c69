"""Site pages: the pages administrators write."""

from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.http import require_GET

from accounts.site_texts import site_text

from ..models import Page


@require_GET
def page_detail(request, slug):
    page = get_object_or_404(Page, slug=slug)
    text = site_text(page, translation.get_language())
    return render(request, "forum/page_detail.html", {"page": page, "text": text})
