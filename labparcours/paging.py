"""Pages of a long list without counting it: "previous / next" only.

A page count over a table that grows by hundreds of thousands of rows a day (the access log)
costs more than the page itself; reading one row past the page says whether there is a next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class UncountedPage:
    """One page of rows; `has_next` read from one row more than the page holds."""

    object_list: list[Any]
    number: int
    has_next: bool

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def uncounted_page(rows: QuerySet, number: object, size: int) -> UncountedPage:
    """Page `number` (1 when missing or not a positive number) of `rows`, `size` rows long."""
    try:
        page = max(1, int(str(number)))
    except ValueError:
        page = 1
    start = (page - 1) * size
    shown = list(rows[start : start + size + 1])
    return UncountedPage(object_list=shown[:size], number=page, has_next=len(shown) > size)
