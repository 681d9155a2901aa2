"""What every list page needs: a cheap paginator, the `?sort=` orders, the htmx fragment switch.

The matching template pieces are templates/includes/filter_field.html, sort_link.html and
pagination.html.
"""

from django import forms
from django.core.paginator import Page, Paginator
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


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


def sort_field(sorts: dict) -> forms.ChoiceField:
    """A filter form's `sort` field: a key of `sorts` ("name", "-name"...); anything else is a form error."""
    return forms.ChoiceField(choices=[(key, key) for key in sorts], required=False)


def ordering(sorts: dict, key: str | None, *, default: str) -> list[str]:
    """The columns `key` orders by (each order ends with a unique column, so pages never overlap)."""
    return list(sorts[key or default])


def page_or_fragment(request, template: str, fragment: str, context: dict):
    """The whole page, or only its `{% partialdef fragment %}` when htmx asks for it.

    A history restore asks for the whole page even though htmx sends HX-Request; caches keep
    the two answers apart by that header.
    """
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, f"{template}#{fragment}" if partial else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
