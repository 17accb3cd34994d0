"""Specialist opinions in the API: list, ask (with attachments), read, answer, close, and the
attachments' download.

Every read starts from the scope (`OpinionRequest.objects.visible_to`): outside it, 404 — an
outside specialist sees the request asked of them only while their grant lasts. Inside it, the
patient's side and a role that may not act answer 403 (`opinions.rules`); a wrong move of the
state machine 409. The reads of an outside specialist are logged as the grant's.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from labparcours.access import log_access
from labparcours.api_base import AccessLoggedMixin, ConditionalWrites, IdFilter, ModelSerializer
from labparcours.http import api_user
from labparcours.permissions import require
from labparcours.uploads import UploadSerializerField, serve_upload
from opinions import rules
from opinions.models import OpinionAttachment, OpinionRequest, OpinionStatus, Urgency
from opinions.selectors import GRANTED_READ, visible_requests
from opinions.services import MAX_ATTACHMENTS, opinion_answer, opinion_ask, opinion_close
from patients.models import Patient
from teams.models import Professional

# --- What the API says -------------------------------------------------------------------------


class OpinionAttachmentSerializer(ModelSerializer):
    download = serializers.SerializerMethodField(help_text="Where to download the file.")

    class Meta:
        model = OpinionAttachment
        fields = ("id", "content_type", "size", "added_at", "download")
        read_only_fields = fields

    def get_download(self, obj: OpinionAttachment) -> str:
        return reverse("opinion-attachment-detail", args=[obj.pk])


class OpinionRequestSerializer(ModelSerializer):
    """A request, its answer and its state; `time_to_answer_hours` once answered."""

    patient = serializers.UUIDField(source="patient_id", read_only=True)
    specialist = serializers.IntegerField(source="specialist_id", read_only=True)
    asked_by = serializers.IntegerField(source="asked_by_id", read_only=True)
    answered_by = serializers.IntegerField(source="answered_by_id", read_only=True, allow_null=True)
    closed_by = serializers.IntegerField(source="closed_by_id", read_only=True, allow_null=True)
    attachments = OpinionAttachmentSerializer(many=True, read_only=True)
    time_to_answer_hours = serializers.SerializerMethodField()
    temporary_access = serializers.BooleanField(
        source="via_grant",
        read_only=True,
        help_text="The caller reads this request through the asked specialist's grant only "
        "(outside the patient's team), until it is closed.",
    )

    class Meta:
        model = OpinionRequest
        fields = (
            "id",
            "patient",
            "asked_by",
            "specialist",
            "question",
            "urgency",
            "asked_at",
            "due_at",
            "status",
            "answer",
            "answered_at",
            "answered_by",
            "time_to_answer_hours",
            "closed_at",
            "closed_by",
            "answer_pinned_at",
            "attachments",
            "temporary_access",
        )
        read_only_fields = fields

    def get_time_to_answer_hours(self, obj: OpinionRequest) -> float | None:
        delay = obj.time_to_answer
        return None if delay is None else round(delay.total_seconds() / 3600, 1)


class AskSerializer(serializers.Serializer):
    """Ask a specialist: the patient, the specialist (a professional of the directory with an
    account), the question, the urgency, and up to 5 attachments (multipart)."""

    patient = serializers.UUIDField()
    specialist = serializers.IntegerField()
    question = serializers.CharField(max_length=4000)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    attachments = serializers.ListField(
        child=UploadSerializerField(), required=False, max_length=MAX_ATTACHMENTS
    )


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=8000)


class OpinionRequestFilter(django_filters.FilterSet):
    patient = django_filters.UUIDFilter(field_name="patient_id")
    specialist = IdFilter(field_name="specialist_id")
    status = django_filters.ChoiceFilter(choices=OpinionStatus.choices)

    class Meta:
        model = OpinionRequest
        fields = ("patient", "specialist", "status")


class GrantReadsLogged(AccessLoggedMixin):
    """The reads of requests (`mark_read` takes requests read through `visible_requests`):
    an outside specialist's are the grant's in the patient's access log, the others as
    `access_what` says."""

    patient_of = staticmethod(lambda opinion: opinion.patient)

    def mark_read(self, rows: Any) -> None:
        rows = list(rows)
        granted = self.__dict__.setdefault("_granted_read", {})
        granted.update({row.patient_id: row.patient for row in rows if row.via_grant})
        super().mark_read([row for row in rows if not row.via_grant])

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        granted = self.__dict__.get("_granted_read")
        if granted and status.is_success(response.status_code):
            listed = not getattr(self, "detail", False)
            log_access(request, granted.values(), f"{GRANTED_READ} (api)", listed=listed)
        return response


@extend_schema_view(
    list=extend_schema(responses=OpinionRequestSerializer(many=True)),
    retrieve=extend_schema(responses=OpinionRequestSerializer),
)
class OpinionRequestViewSet(
    ConditionalWrites,
    GrantReadsLogged,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Specialist opinions (avis spécialisés) the caller may see: those of the patients of
    their teams (all of them for the programme), and those asked of them while their grant
    lasts (until the request is closed, at the latest N days after its deadline). A team
    member or the coordinator asks; the asked specialist answers; the asker or the
    coordinator closes. Not for the patient's side (403)."""

    serializer_class = OpinionRequestSerializer
    permission_classes = (permissions.IsAuthenticated,)
    parser_classes = (JSONParser, MultiPartParser, FormParser)
    filterset_class = OpinionRequestFilter
    access_what = "specialist opinion"
    queryset = OpinionRequest.objects.none()

    def get_queryset(self) -> Any:
        return visible_requests(api_user(self.request)).prefetch_related("attachments")

    # The patient's side sees the patient, never these (403 once the scope answered).

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(rules.can_read_opinions(api_user(request)))
        return super().list(request, *args, **kwargs)

    def get_object(self) -> Any:
        obj = super().get_object()
        require(rules.can_read_opinions(api_user(self.request)))
        return obj

    def _answer(self, opinion: OpinionRequest, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=opinion.pk)
        self.mark_read([fresh])
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(
        request={"multipart/form-data": AskSerializer, "application/json": AskSerializer},
        responses={201: OpinionRequestSerializer},
    )
    def create(self, request: Request) -> Response:
        """Ask a specialist of the team or of the directory (with an account); the deadline
        follows the urgency (48 hours or 7 days); attachments are PDF, JPEG or PNG, checked
        from their bytes."""
        payload = AskSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        user = api_user(request)
        patient = get_object_or_404(Patient.objects.visible_to(user), pk=data["patient"])
        require(rules.can_ask(user, patient))
        specialist = Professional.objects.filter(pk=data["specialist"]).first()
        if specialist is None:
            raise serializers.ValidationError(
                {"specialist": [_("This professional is not in the directory.")]}
            )
        opinion = opinion_ask(
            patient=patient,
            by=user,
            specialist=specialist,
            question=data["question"],
            urgency=data["urgency"],
            attachments=data.get("attachments", []),
        )
        return self._answer(opinion, status.HTTP_201_CREATED)

    @extend_schema(request=AnswerSerializer, responses=OpinionRequestSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        """The asked specialist answers (409 once answered or closed)."""
        opinion = self.get_object()
        require(rules.can_answer(api_user(request), opinion))
        payload = AnswerSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        answered = opinion_answer(
            request=opinion, by=api_user(request), answer=payload.validated_data["answer"]
        )
        return self._answer(answered)

    @extend_schema(request=None, responses=OpinionRequestSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """The asker or the coordinator closes the request — withdraws it, when unanswered
        (409 once closed). An outside specialist no longer sees it."""
        opinion = self.get_object()
        require(rules.can_close(api_user(request), opinion))
        return self._answer(opinion_close(request=opinion, by=api_user(request)))


class AttachmentFilter(django_filters.FilterSet):
    request = IdFilter(field_name="request_id")

    class Meta:
        model = OpinionAttachment
        fields = ("request",)


@extend_schema_view(
    list=extend_schema(responses=OpinionAttachmentSerializer(many=True)),
    retrieve=extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
        }
    ),
)
class OpinionAttachmentViewSet(GrantReadsLogged, viewsets.GenericViewSet):
    """The attachments of the requests the caller may see (`attachments` of a request lists
    them too), each a download: PDF, JPEG or PNG, checked from its bytes when it was sent."""

    permission_classes = (permissions.IsAuthenticated,)
    filterset_class = AttachmentFilter
    access_what = "specialist opinion (attachment)"
    queryset = OpinionAttachment.objects.none()
    serializer_class = OpinionAttachmentSerializer

    def get_queryset(self) -> Any:
        visible = visible_requests(api_user(self.request)).values("pk")
        return OpinionAttachment.objects.filter(request__in=visible)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The attachments' metadata, without their content (read one to download it)."""
        user = api_user(request)
        require(rules.can_read_opinions(user))
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []
        # The reads are the requests': through the grant or not, each logged as such.
        self.mark_read(visible_requests(user).filter(pk__in={a.request_id for a in page}))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str | None = None) -> HttpResponseBase:
        """An attachment, as a download."""
        attachment = get_object_or_404(OpinionAttachment, pk=pk)
        # The request's scope answers for its attachment: 404 outside it.
        opinion = get_object_or_404(visible_requests(api_user(request)), pk=attachment.request_id)
        require(rules.can_read_opinions(api_user(request)))
        self.mark_read([opinion])
        return serve_upload(attachment.file, filename=attachment.download_name)
