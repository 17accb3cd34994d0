"""The API's lists: pages found by a cursor (keyset), never by counting or skipping rows.

A list that grows without bound (patients, SICs, plans, the ledgers) is read in the order of its
primary key, unique and unchanging: the cursor says "after this key", which the primary key's
index answers at once, so page 5,000 costs what page 1 costs and no COUNT runs over the whole
scope. `next` and `previous` are links; `page_size` (at most 100) asks for longer pages. A view
read newest first (a log) says so with `cursor_ordering = "-pk"`.
"""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


class KeysetPagination(CursorPagination):
    ordering = "pk"
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        return (getattr(view, "cursor_ordering", self.ordering),)
