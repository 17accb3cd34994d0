"""The threads in the API: a patient's team thread (`patients/{id}/thread/`) and the thread
with the patient (`patients/{id}/patient-thread/`): their messages (read by cursor, posted
with optional attachments), the read receipts (« read up to »), and the attachments'
download. The same scope and the same audit as the pages: outside the scope, or the team
thread for the patient's side, 404; a role that may not write, 403."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.http.response import HttpResponseBase
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from labparcours.api_base import AccessLoggedMixin, ModelSerializer
from labparcours.http import api_user
from labparcours.permissions import require
from labparcours.uploads import UploadSerializerField, serve_upload
from patients.models import Patient
from patients.selectors import visible_patients
from threads import rules
from threads.models import Attachment, Audience, Message, ReadReceipt
from threads.selectors import READ_WHAT, receipts_of, shown_messages, thread_of, visible_threads
from threads.services import MAX_TEXT, message_post, thread_mark_read

MAX_ATTACHMENTS = 4


class AuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()
    profession = serializers.SerializerMethodField()

    def get_name(self, user: Any) -> str:
        return user.get_full_name() or user.email

    def get_profession(self, user: Any) -> str:
        return user.profession_or_role()


class ThreadAttachmentSerializer(ModelSerializer):
    download = serializers.SerializerMethodField()
    has_thumbnail = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ("id", "content_type", "size", "has_thumbnail", "download")

    def get_download(self, attachment: Attachment) -> str:
        return f"/api/v1/thread-attachments/{attachment.pk}/download/"

    def get_has_thumbnail(self, attachment: Attachment) -> bool:
        return bool(attachment.thumbnail)


class MessageSerializer(ModelSerializer):
    author = AuthorSerializer()
    attachments = ThreadAttachmentSerializer(many=True)
    mentions = serializers.SerializerMethodField()
    edited = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = (
            "id",
            "text",
            "created_at",
            "edited",
            "edited_at",
            "pinned_at",
            "author",
            "attachments",
            "mentions",
        )

    def get_mentions(self, message: Message) -> list[int]:
        """The ids of the members the message names."""
        return [mention.user_id for mention in message.mentions.all()]

    def get_edited(self, message: Message) -> bool:
        return message.is_edited


class MessageCreateSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT)
    attachments = serializers.ListField(
        child=UploadSerializerField(),
        required=False,
        max_length=MAX_ATTACHMENTS,
        help_text="PDF, JPEG or PNG files (multipart), checked from their bytes.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("text", "").strip() and not attrs.get("attachments"):
            raise serializers.ValidationError({"text": [_("Write a message or attach a file.")]})
        return attrs


class ReadSerializer(serializers.Serializer):
    up_to = serializers.IntegerField(min_value=1, help_text="The id of the last message read.")


class ReceiptSerializer(ModelSerializer):
    user = AuthorSerializer()
    last_read = serializers.IntegerField(source="last_read_id")

    class Meta:
        model = ReadReceipt
        fields = ("user", "last_read", "read_at")


@extend_schema_view(
    list=extend_schema(responses=MessageSerializer(many=True)),
)
class TeamThreadViewSet(AccessLoggedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The messages of a patient's team thread, oldest first, by cursor: a client that follows
    `next` reads every message once, new ones included. Only the professionals: the patient's
    side gets 404."""

    audience = Audience.TEAM
    serializer_class = MessageSerializer
    permission_classes = (permissions.IsAuthenticated,)
    parser_classes = (JSONParser, MultiPartParser, FormParser)
    patient_of = staticmethod(lambda message: message.thread.patient)
    queryset = Message.objects.none()

    @property
    def access_what(self) -> str:  # type: ignore[override]
        return READ_WHAT[Audience(self.audience)]

    def _patient(self) -> Patient:
        user = api_user(self.request)
        if not rules.may_read(user, self.audience):
            raise Http404
        try:
            return visible_patients(user).get(pk=self.kwargs["patient_pk"])
        except (Patient.DoesNotExist, ValueError) as exc:
            raise Http404 from exc

    def get_queryset(self) -> QuerySet[Message]:
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        patient = self._patient()
        rows = Message.objects.filter(thread__patient=patient, thread__audience=self.audience)
        return shown_messages(rows.select_related("thread__patient")).order_by("pk")

    @extend_schema(
        request={
            "multipart/form-data": MessageCreateSerializer,
            "application/json": MessageCreateSerializer,
        },
        responses={201: MessageSerializer},
    )
    def create(self, request: Request, patient_pk: uuid.UUID) -> Response:
        """Post a message: text, attachments (PDF, JPEG, PNG), or both; mentions « @First
        Last » of the team's members tell them."""
        patient = self._patient()
        user = api_user(request)
        require(rules.can_post(user))
        payload = MessageCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        message = message_post(
            thread=thread_of(patient, self.audience),
            author=user,
            text=data.get("text", ""),
            files=data.get("attachments", []),
        )
        fresh = self.get_queryset().get(pk=message.pk)
        self.mark_read([fresh])
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ReadSerializer,
        responses=ReceiptSerializer(many=True),
    )
    def read(self, request: Request, patient_pk: uuid.UUID) -> Response:
        """« Read up to »: the caller has read every message up to `up_to`; the receipt only
        moves forward. Answers every reader's receipt (« Lu par … »)."""
        patient = self._patient()
        user = api_user(request)
        require(rules.takes_part(user))
        payload = ReadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        thread = thread_of(patient, self.audience)
        up_to = payload.validated_data["up_to"]
        if not thread.messages.filter(pk=up_to).exists():
            raise serializers.ValidationError({"up_to": [_("No such message in this thread.")]})
        thread_mark_read(thread=thread, user=user, up_to=up_to)
        self.mark_read(list(thread.messages.filter(pk=up_to)))
        return Response(ReceiptSerializer(receipts_of(thread), many=True).data)


@extend_schema_view(
    list=extend_schema(responses=MessageSerializer(many=True)),
)
class PatientThreadViewSet(TeamThreadViewSet):
    """The messages of the thread with the patient: the professionals, the patient and their
    delegated caregiver. Oldest first, by cursor."""

    audience = Audience.PATIENT


class AttachmentViewSet(AccessLoggedMixin, viewsets.GenericViewSet):
    """The files of the messages the caller may read, as downloads."""

    permission_classes = (permissions.IsAuthenticated,)
    access_what = "thread attachment"
    patient_of = staticmethod(lambda attachment: attachment.message.thread.patient)
    queryset = Attachment.objects.none()
    serializer_class = ThreadAttachmentSerializer

    def get_queryset(self) -> QuerySet[Attachment]:
        return Attachment.objects.filter(
            message__thread__in=visible_threads(api_user(self.request))
        ).select_related("message__thread__patient")

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> HttpResponseBase:
        """The original file, as a download."""
        attachment = self.get_object()
        return serve_upload(attachment.file, filename=f"piece-jointe-{attachment.pk}")


def _routes(prefix: str, viewset: type[TeamThreadViewSet], name: str) -> list:
    return [
        path(
            f"patients/<uuid:patient_pk>/{prefix}/messages/",
            viewset.as_view({"get": "list", "post": "create"}),
            name=f"{name}-messages",
        ),
        path(
            f"patients/<uuid:patient_pk>/{prefix}/read/",
            viewset.as_view({"post": "read"}),
            name=f"{name}-read",
        ),
    ]


urlpatterns = [
    *_routes("thread", TeamThreadViewSet, "team-thread"),
    *_routes("patient-thread", PatientThreadViewSet, "patient-thread"),
    path(
        "thread-attachments/<int:pk>/download/",
        AttachmentViewSet.as_view({"get": "download"}),
        name="thread-attachment-download",
    ),
]
