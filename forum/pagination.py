from django.core.paginator import Page, Paginator


class KnownCountPaginator(Paginator):
    """A paginator that is told its count (a stored counter) instead of asking with COUNT(*)."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @property
    def count(self):
        return self._known_count


class EitherEndPaginator(KnownCountPaginator):
    """
    Pages of a long ordered list whose count is known (a thread's replies): a page in the
    second half is read from the far end, in the reverse order, and put back in order, so the
    last page costs what the first costs; no page walks more than half the list. The walk
    itself is a subquery of primary keys only, which the database answers from the index
    (for replies: thread, status, created_at, id); the rows of the page and their joins are
    read for the page's own keys only.

    ``object_list`` must be a queryset with an explicit, unique ``order_by`` (ending in the
    primary key), so that ``reverse()`` gives exactly the opposite order.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return Page(self._rows(bottom, top), number, self)

    def _rows(self, bottom, top):
        if top <= bottom:
            return []
        queryset = self.object_list
        from_end = bottom > self.count - top
        if from_end and top >= self.count:  # the last page: the first rows of the reverse order
            return list(queryset.reverse()[: top - bottom])[::-1]
        if not from_end and bottom == 0:  # the first page: nothing to walk
            return list(queryset[:top])
        keys = queryset.reverse()[self.count - top : self.count - bottom] if from_end else queryset[bottom:top]
        # In the queryset's own order; a stored count that is a little off (a reply hidden a
        # moment ago) shifts the pages of the far half by as much, it never leaves one empty.
        return list(queryset.filter(pk__in=keys.values("pk")))
