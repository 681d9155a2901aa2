from django.core.paginator import Page, Paginator


class KeysFirstPaginator(Paginator):
    """Fetch a page's primary keys first, then its rows by key.

    OFFSET makes the database step over every earlier row; stepping over index entries
    (an index-only scan on the list's order) is far cheaper than over whole rows: the last
    of 4,000 pages went from 180 ms to 14 ms of SQL (make bench). The rows are then read by
    key from `rows` (e.g. with select_related), so filters and searches are not run twice.
    """

    def __init__(self, object_list, per_page, *, rows, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.rows = rows

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        keys = list(self.object_list.values_list("pk", flat=True)[start : start + self.per_page])
        by_key = self.rows.in_bulk(keys)
        return Page([by_key[key] for key in keys], number, self)
