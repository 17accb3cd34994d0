"""Shared pieces of the API: one permission mechanism with the pages, reads logged."""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar, cast

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.db.models import Model, QuerySet
from django.utils.http import parse_etags
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, permissions, serializers, status
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject, PrimaryKeyRelatedField
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from labparcours.access import log_access_keys
from labparcours.api_errors import PreconditionFailed
from labparcours.http import api_user
from labparcours.permissions import can_manage_patients


class CoordinatorWrites(permissions.IsAuthenticated):
    """Everyone in scope may read; only the coordinator writes (as on the pages).

    On an object, the scope answers first (404 outside it), then the role (403).
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS or getattr(view, "detail", False):
            return True
        return can_manage_patients(api_user(request))

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return request.method in permissions.SAFE_METHODS or can_manage_patients(api_user(request))


class AccessLoggedMixin:
    """Every answer that carries a patient's data is logged as a read, here and only here.

    What a handler fetched is what it read: the rows of a list page, and the object of every
    detail route — retrieve, update and each detail `@action` — through `get_object`;
    `patient_of` maps a row to its patient, or to its patient's key (`sic.patient_id`: a page
    need not join the patients to log them). The reads are written once the answer is known,
    in `finalize_response`, and only for a success (2xx): a refusal (403), a 404 or a
    rejected payload (400) writes no read, even when the object was fetched before the
    refusal. `access_what` names the read; an action names its own with
    `@action(..., access_what="…")`.
    """

    access_what = "api"
    patient_of: Callable[[Any], Any] = staticmethod(lambda obj: obj)

    def mark_read(self, rows: Iterable[Any]) -> None:
        """Record that the answer shows these rows' patients (logged if it succeeds)."""
        read = self.__dict__.setdefault("_patients_read", {})
        for row in rows:
            patient = self.patient_of(row)
            if patient is None:  # a row about no patient (an indemnity item) reads none
                continue
            read.setdefault(patient.pk if isinstance(patient, Model) else patient, None)

    def get_object(self) -> Any:
        obj = super().get_object()  # type: ignore[misc]
        self.mark_read([obj])
        return obj

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        page = self.paginate_queryset(queryset)  # type: ignore[attr-defined]
        rows = page if page is not None else list(queryset)
        self.mark_read(rows)
        data = self.get_serializer(rows, many=True).data  # type: ignore[attr-defined]
        if page is not None:
            return self.get_paginated_response(data)  # type: ignore[attr-defined]
        return Response(data)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        read = self.__dict__.get("_patients_read")
        if read and status.is_success(response.status_code):
            # A list route reads a list, however many rows its page holds.
            listed = not getattr(self, "detail", False)
            log_access_keys(request, list(read), f"{self.access_what} (api)", listed=listed)
        return response


def attach_rows(parents: Sequence[Model], rows: QuerySet[Any, Any], *, by: str, to: str) -> None:
    """Give each of `parents` the list of `rows` (a `.values()` queryset, in its order) whose
    column `by` holds the parent's key, as its attribute `to`: what `prefetch_related` does,
    in one query too, for the nested parts of a page that shows a few columns of many rows,
    without building a model instance for each."""
    found: dict[Any, list[dict[str, Any]]] = {parent.pk: [] for parent in parents}
    if found:
        for row in rows.filter(**{f"{by}__in": list(found)}):
            found[row[by]].append(row)
    for parent in parents:
        setattr(parent, to, found[parent.pk])


MAX_ID = 2**63 - 1


# The moments the API takes: a programme's dates, never a typing slip into another century (a
# date in the year 250 would also come back with the local mean time of 1850s Paris as its
# offset, "+00:09:21", which no client parses).
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


class DateTimeField(serializers.DateTimeField):
    """DRF's date-time, between EARLIEST_YEAR and LATEST_YEAR."""

    default_error_messages = {
        "out_of_range": _("Enter a date between {earliest} and {latest}."),
    }

    def to_internal_value(self, value: Any) -> Any:
        moment = super().to_internal_value(value)
        if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            self.fail("out_of_range", earliest=EARLIEST_YEAR, latest=LATEST_YEAR)
        return moment


def conversion(field: serializers.Field) -> Callable[[Any], Any]:
    """DRF's conversion of a value (not None) of `field`, or the built-in it amounts to, called
    without going through the field: `CharField` (e-mail, URL…) answers `str(value)`,
    `IntegerField` `int(value)`, `BigIntegerField` (the keys) one or the other."""
    method = type(field).to_representation
    if method is serializers.CharField.to_representation:
        return str
    if method is serializers.IntegerField.to_representation:
        return int
    if method is serializers.BigIntegerField.to_representation:
        as_text = getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING)
        return str if as_text else int
    if method is serializers.DateTimeField.to_representation:
        return _moment_conversion(cast("serializers.DateTimeField", field))
    return field.to_representation


def _moment_conversion(field: serializers.DateTimeField) -> Callable[[Any], Any]:
    """DRF's conversion of a date-time in ISO 8601, in the field's time zone (`Z` for UTC), for
    an aware date-time (what the database answers): DRF's own steps — the format looked up,
    the value tested for awareness and for being text — once per field instead of once per
    value. Anything else, and a format or a zone that is not the usual, goes through DRF."""
    zone = getattr(field, "timezone", None)
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if zone is None or output_format is None or output_format.lower() != ISO_8601:
        return field.to_representation

    def convert(value: Any) -> Any:
        if type(value) is not datetime.datetime or value.utcoffset() is None:
            return field.to_representation(value)
        try:
            text = value.astimezone(zone).isoformat()
        except OverflowError:
            return field.to_representation(value)  # DRF's refusal
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


# How a serializer reads one field of a row: the field's name in the answer, the row's key
# read directly (None: only DRF's own path reads it right), the conversion of a value that
# is not None (None: the value as it is), and the field.
Reader = tuple[str, str | None, Callable[[Any], Any] | None, serializers.Field]


class ModelSerializer(serializers.ModelSerializer):
    """The base of the API's model serializers: DRF's, with the date-time above."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
    }
    _row_columns: ClassVar[list[str] | None] = None  # each class's own, in its __dict__

    @classmethod
    def row_columns(cls) -> list[str]:
        """The columns of its model that it shows, by their keys in a row (`patient_id`): what
        a `.values()` row needs to hold (a property, such as an action's `who`, is for the
        code that builds the rows to add). Worked out once per class."""
        found: list[str] | None = cls.__dict__.get("_row_columns")
        if found is None:
            model = cast("type[Model]", cls.Meta.model)
            columns = {field.attname for field in model._meta.concrete_fields}
            found = [key for _, key, _, _ in cls().readers() if key is not None and key in columns]
            cls._row_columns = found
        return found

    def get_fields(self) -> dict[str, serializers.Field]:
        """DRF's fields, worked out from the model once per class and copied for each
        serializer, as DRF copies the declared ones (`copy.deepcopy` builds each field again
        from its arguments). DRF works them out for every serializer: the model's fields
        looked up, their labels, help texts and validators made again, on every request (a
        millisecond for a patient, more than the rows of a small page). What it works out
        depends on the class only (its model, `Meta`, declared fields); a serializer that
        changes a field for one request (a queryset narrowed to a patient) changes its
        own copy."""
        built: dict[str, serializers.Field] | None = type(self).__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            type(self)._built_fields = built  # type: ignore[attr-defined]
        return copy.deepcopy(built)

    def readers(self) -> list[Reader]:
        """How it reads each field it shows (`Reader`), compiled once."""
        readers: list[Reader] | None = self.__dict__.get("_readers")
        if readers is None:
            readers = self.__dict__["_readers"] = [
                (field.field_name, *self._direct_read(field), field)
                for field in self._readable_fields
            ]
        return readers

    def to_representation(self, instance: Any) -> dict[str, Any]:
        """DRF's answer for a row, read in one pass.

        DRF reads every field of every row through several layers (the source's path, a test
        for a callable, a stand-in object for a related key): on a page of a hundred rows with
        their nested parts, most of the answer's time. Here each readable field is compiled
        once per serializer into a reader (`Reader`): a column, an annotation or a property is
        read from the row and converted by the field's own `to_representation`; a foreign key
        is read as its column, which is what DRF's `PrimaryKeyRelatedField` answers; anything
        else (a method field, a dotted source, a field with its own `get_attribute`) goes
        through DRF's path, as does a value that is missing (DRF knows the field's default,
        or skips it).

        A row is a model instance or a plain dict keyed like the instance's attributes (a
        foreign key by its column, `patient_id`): a page may hand its nested parts as
        `.values()` rows instead of building a model instance for each.
        """
        read: Callable[[Any, str], Any] = (
            operator.getitem if isinstance(instance, Mapping) else getattr
        )
        answer: dict[str, Any] = {}
        for name, key, convert, field in self.readers():
            if key is not None:
                try:
                    value = read(instance, key)
                except (KeyError, AttributeError, ObjectDoesNotExist):
                    pass  # DRF's path below: the field's default, None, or no key at all
                else:
                    answer[name] = value if value is None or convert is None else convert(value)
                    continue
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            shown = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            answer[name] = None if shown is None else field.to_representation(attribute)
        return answer

    def _direct_read(self, field: serializers.Field) -> tuple[str | None, Any]:
        """The key `field` is read by, and the conversion of its value (see `Reader`)."""
        model = getattr(getattr(self, "Meta", None), "model", None)
        if len(field.source_attrs) != 1:  # a dotted source, or the whole row ("*")
            return None, None
        source = field.source_attrs[0]
        if type(field) is PrimaryKeyRelatedField and field.pk_field is None and model:
            try:
                column = model._meta.get_field(source)
            except FieldDoesNotExist:
                return None, None
            if column.concrete and (column.many_to_one or column.one_to_one):
                return column.attname, None
            return None, None
        if type(field).get_attribute is not serializers.Field.get_attribute:
            return None, None  # a relation, or a field that reads its row its own way
        if callable(getattr(model, source, None)):
            return None, None  # a method of the model: DRF calls it
        if isinstance(field, serializers.DateTimeField) and not hasattr(field, "timezone"):
            # The time zone of the answer, read once for all its rows: DRF reads the current
            # one for each value (two thirds of a date-time's conversion), and it does not
            # change while one answer is written.
            zone = field.default_timezone()
            if zone is not None:
                field.timezone = zone
        return source, conversion(field)


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, which builds and validates the filters' form for every request
    (a good part of a short page's time): a list asked for with none of its filters — a
    parameter named by none of them, `cursor` or `page_size` alone — is its queryset as it
    is, which is what the form would have answered. A range filter's parameters carry a
    suffix (`due_after`): a parameter is a filter's when it begins with the filter's name."""

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: APIView) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not any(
            parameter.startswith(name)
            for parameter in request.query_params
            for name in filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A row named by its id in a list's filter: a whole number in the database's range. (A
    decimal or a number past the range would reach the database and fail there.)"""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def row_etag(obj: Model, *extra: Any) -> str:
    """A strong ETag of a row: a hash of every column's value (its status, its dates, its
    text…), and of `extra` (what else the resource shows and a write may change)."""
    # Not the columns the database works out from the others (a search column): after a
    # save, the instance still holds their value from before.
    values = [
        (field.attname, field.value_from_object(obj))
        for field in obj._meta.concrete_fields
        if not field.generated
    ]
    payload = json.dumps([obj._meta.label, values, list(extra)], default=str, sort_keys=True)
    return '"' + hashlib.sha256(payload.encode()).hexdigest()[:32] + '"'


class ConditionalWrites:
    """Lost-update protection for a writable resource.

    A read of the object (`retrieve`) answers its `ETag`; a write of it — PUT, PATCH, DELETE
    and each detail `@action` that changes it — honours `If-Match`: when the header names
    another version than the current one, the answer is 412 with the current `ETag`, and
    nothing is written. Without `If-Match` the write is accepted, as before (the last write
    wins). A successful write answers the new `ETag`. `if_match_exempt` names the detail
    actions that create rows under the object (a consent, a contribution) rather than
    change it; `etag_of` says what a version is (the row's columns by default).
    """

    if_match_exempt: frozenset[str] = frozenset()

    def etag_of(self, obj: Any) -> str:
        return row_etag(obj)

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        # A write naming a version runs in one transaction, and `get_object` locks the row
        # before comparing: from the comparison to the write nobody else changes it. A second
        # write naming the same version waits for the first, then sees the new one: 412.
        if request.method not in permissions.SAFE_METHODS and "If-Match" in request.headers:
            with transaction.atomic():
                return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def honours_if_match(self) -> bool:
        action = getattr(self, "action", None)
        return (
            self.request.method not in permissions.SAFE_METHODS  # type: ignore[attr-defined]
            and action not in self.if_match_exempt
        )

    def get_object(self) -> Any:
        obj = super().get_object()  # type: ignore[misc]
        if self.honours_if_match():
            wanted = self.request.headers.get("If-Match")  # type: ignore[attr-defined]
            if wanted is not None:
                # Locked (in `dispatch`'s transaction), then read again: the version compared
                # and written is the last one committed, and stays so until this write ends.
                manager = type(obj)._default_manager
                list(manager.select_for_update().filter(pk=obj.pk).values_list("pk"))
                obj = super().get_object()  # type: ignore[misc]
                etag = self.etag_of(obj)
                tags = parse_etags(wanted)
                if "*" not in tags and etag not in tags:
                    raise PreconditionFailed(etag)
        self.__dict__["_etag_object"] = obj
        return obj

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        obj = self.__dict__.get("_etag_object")
        if obj is None or not status.is_success(response.status_code):
            return response
        if getattr(self, "action", None) == "retrieve" and request.method == "GET":
            response["ETag"] = self.etag_of(obj)
        elif self.honours_if_match() and request.method != "DELETE":
            # The version the write left, read again: the services save copies of the row.
            fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
            if fresh is not None:
                response["ETag"] = self.etag_of(fresh)
        return response


def candidate(serializer: serializers.ModelSerializer, attrs: dict[str, Any], **extra: Any) -> Any:
    """The object as the request would save it, to run the model's validation on: a new one
    (with `extra`, what the request does not send) on create, or a copy of the row with
    `attrs` applied on update. The copy keeps its primary key and its "already saved" state,
    so that uniqueness is checked against the other rows, never against itself."""
    if serializer.instance is None:
        model = cast("type[Model]", serializer.Meta.model)
        return model(**attrs, **extra)
    obj = copy.copy(serializer.instance)
    for name, value in attrs.items():
        setattr(obj, name, value)
    return obj


def drf_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A model's validation error in DRF's shape (`non_field_errors` for the whole object)."""
    if not hasattr(exc, "error_dict"):
        return {"non_field_errors": exc.messages}
    return {
        ("non_field_errors" if field == "__all__" else field): messages
        for field, messages in exc.message_dict.items()
    }


def model_clean(instance: Any) -> None:
    """Run the model's own validation and report it as DRF errors, field by field."""
    try:
        instance.full_clean(validate_unique=True, validate_constraints=True)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(drf_errors(exc)) from exc


class PdfRenderer(BaseRenderer):
    """Serves the bytes of a PDF (the SIC report, the care plan)."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        # A refusal answered by this action (403, 404, 409): structured, as every other
        # refusal of the API, and said to be JSON.
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return JSONRenderer().render(data)
