from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .forms import SearchForm

RESULTS_PER_PAGE = 20


@require_GET
def results(request):
    """Threads and replies found, with members and organisations by name; a clear message for what finds nothing."""
    form = SearchForm(request.GET, standing=request.standing)
    form.is_valid()  # a filter that is not valid is shown with its error and narrows nothing
    query = selectors.parse_query(form.cleaned_data.get("q", ""))
    filters = selectors.Filters() if form.errors else form.filters()
    found = selectors.search(query, request.standing, filters=filters, sort=form.order())
    page = Paginator(found, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    rest = request.GET.copy()
    rest.pop("page", None)
    return render(
        request,
        "search/results.html",
        {
            "form": form,
            "query": query,
            "page_obj": page,
            "hits": selectors.hits(page.object_list, query),
            "members": selectors.members_named(query.text, request.standing),
            "organisations": selectors.organisations_named(query.text),
            "extra_query": rest.urlencode(),
        },
    )
