from django.core.paginator import Paginator


class KnownCountPaginator(Paginator):
    """A paginator that is told its count (a stored counter) instead of asking with COUNT(*)."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @property
    def count(self):
        return self._known_count
