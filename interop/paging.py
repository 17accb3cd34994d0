"""The pages of a FHIR search. `_count` matches a page (20 unless asked, at most 100); when
more match, the bundle's `next` link leads to the next page.

That link never carries the search's parameters (a name, a birth date, an INS: a URL stays in
the logs of every proxy on its way), and neither does the server: what it keeps for the next
pages, in the cache, under a random id, for the user who searched and for ten minutes, is the
ids of the rows that matched (random UUIDs for patients), never the traits or the identifier
searched. The link names that id and a page number only (`GET /fhir/Patient/_search/{id}?
page=2`). Anyone else, the same user once the search has expired, or a page past the last is
answered 404, as for an id nobody has.

A page is its slice of the ids, read again within the caller's scope (a patient who left it
meanwhile is not shown): the same queries whether it is the first or the fiftieth. The ids are
counted when the first page shows that there are more; a search is paged over its first
`MAX_KEPT` matches, by id (`total` still counts them all) — with a name and a birth date, an
INS or an RPPS number, far more than any search finds.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from interop import conformance, systems
from interop.fhirtypes import Resource
from labparcours.http import api_user
from labparcours.models import User

COUNT = "_count"
DEFAULT_COUNT, MAX_COUNT = 20, 100
# How long a search's `next` links lead somewhere, in seconds; how many matches they page.
KEPT_FOR = 10 * 60
MAX_KEPT = 1_000
BAD_COUNT = f"_count: give a whole number of matches per page, from 1 to {MAX_COUNT}."
BAD_PAGE = "page: give a whole number, from 1."
_WHOLE = re.compile(r"[0-9]{1,9}")
_SEARCH_ID = re.compile(r"[A-Za-z0-9_-]{22}")  # secrets.token_urlsafe(16)

# What a search found its rows by: its parameters, checked and put in a plain form.
Criteria = dict[str, str]


@dataclass(frozen=True)
class Search:
    """A resource type's search: the rows a user may read (`scope`), those its criteria find
    among them (`matches`), and the resources a page of them shows (which logs the reads they
    are)."""

    resource: str
    scope: Callable[[User], QuerySet[Any]]
    matches: Callable[[QuerySet[Any], Criteria], QuerySet[Any]]
    shown: Callable[[Request, list[Any]], list[Resource]]


@dataclass(frozen=True)
class Kept:
    """A search kept for its next pages, as the cache holds it: whose, and the ids of what it
    matched (as text), in order."""

    id: str
    user: int
    resource: str
    ids: list[str]
    count: int
    total: int

    @property
    def pages(self) -> int:
        return -(-len(self.ids) // self.count)


def page_size(value: str | None) -> int:
    """The matches per page a search asks for (`_count`), 20 when it does not say."""
    if value is None:
        return DEFAULT_COUNT
    return _whole(value, up_to=MAX_COUNT, refusal=BAD_COUNT)


def first_page(request: Request, search: Search, criteria: Criteria, count: int) -> Resource:
    """The answer of a search (`POST {type}/_search`): its first `count` matches; the search
    is kept, and the total counted, only when there are more."""
    user = api_user(request)
    rows = search.matches(search.scope(user), criteria).order_by("pk")
    page = list(rows[: count + 1])
    if len(page) <= count:
        return _bundle(request, search, page[:count], total=len(page))
    kept = keep(user, search.resource, rows, count)
    return _bundle(request, search, page[:count], total=kept.total, kept=kept)


def next_page(request: Request, search: Search, search_id: str) -> Resource:
    """Page `?page=` of a kept search (`GET {type}/_search/{id}`): the caller's own search,
    a page within its matches; anything else is not found."""
    user = api_user(request)
    kept = _kept(user, search.resource, search_id)
    number = _whole(request.query_params.get("page", "1"), refusal=BAD_PAGE)
    if number > kept.pages:
        raise Http404
    ids = kept.ids[(number - 1) * kept.count : number * kept.count]
    page = list(search.scope(user).filter(pk__in=ids).order_by("pk"))
    return _bundle(request, search, page, total=kept.total, kept=kept, number=number)


def page_path(resource: str, search_id: str, number: int) -> str:
    """The path, under the FHIR base, of page `number` of a kept search."""
    return f"{resource}/_search/{search_id}?page={number}"


def _bundle(
    request: Request,
    search: Search,
    shown: list[Any],
    *,
    total: int,
    kept: Kept | None = None,
    number: int = 1,
) -> Resource:
    """The searchset of one page, with the links to its neighbours when the search is kept."""
    links = {"self": f"{search.resource}/_search"}
    if kept is not None:
        links["self"] = page_path(search.resource, kept.id, number)
        if number > 1:
            links["previous"] = page_path(search.resource, kept.id, number - 1)
        if number < kept.pages:
            links["next"] = page_path(search.resource, kept.id, number + 1)
    base = systems.base_url()
    urls = {relation: f"{base}/{path}" for relation, path in links.items()}
    return conformance.searchset(
        urls.pop("self"), search.shown(request, shown), total=total, links=urls
    )


def keep(user: User, resource: str, rows: QuerySet[Any], count: int) -> Kept:
    """Keep a search for its next pages, under a new random id: the ids of its first
    `MAX_KEPT` rows (in their order), and how many there are in all."""
    ids = [str(pk) for pk in rows.values_list("pk", flat=True)[:MAX_KEPT]]
    total = len(ids) if len(ids) < MAX_KEPT else rows.count()
    kept = Kept(secrets.token_urlsafe(16), user.pk, resource, ids, count, total)
    cache.set(_key(kept.id), asdict(kept), KEPT_FOR)
    return kept


def _kept(user: User, resource: str, search_id: str) -> Kept:
    """The search kept under this id, if `user` made it; else 404 (expired, unknown or
    another's: the same answer)."""
    found = cache.get(_key(search_id)) if _SEARCH_ID.fullmatch(search_id) else None
    if found is None:
        raise Http404
    kept = Kept(**found)
    if kept.user != user.pk or kept.resource != resource:
        raise Http404
    return kept


def _whole(value: str, *, refusal: str, up_to: int | None = None) -> int:
    """`value` as a whole number from 1 (to `up_to`), else a 400 that says `refusal`."""
    number = int(value) if _WHOLE.fullmatch(value) else 0
    if number < 1 or (up_to is not None and number > up_to):
        raise ValidationError(refusal)
    return number


def _key(search_id: str) -> str:
    """The cache key of a kept search."""
    return f"fhir-search:{search_id}"
