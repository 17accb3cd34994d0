from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from labparcours.api_base import ModelSerializer
from labparcours.http import api_user
from labparcours.models import ApiToken


class ApiTokenSerializer(ModelSerializer):
    """A token as it is listed: never its key, which only its creation shows."""

    class Meta:
        model = ApiToken
        read_only_fields = (
            "id",
            "prefix",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
        )
        fields: tuple[str, ...] = ("name", *read_only_fields)


class NewApiTokenSerializer(ApiTokenSerializer):
    """A token just created, with its key: shown this once, never again."""

    key = serializers.CharField(read_only=True, help_text="Shown once, at creation.")

    class Meta(ApiTokenSerializer.Meta):
        fields = (*ApiTokenSerializer.Meta.fields, "key")


class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's own personal API tokens; DELETE revokes (the row stays).

    A token is created from a signed-in session only (with two-factor where the role requires
    it): a token cannot create another one, so a leaked key cannot outlive its expiry or its
    revocation.
    """

    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.all()

    def get_queryset(self) -> Any:
        return super().get_queryset().filter(user=self.request.user.pk)

    @extend_schema(request=ApiTokenSerializer, responses={201: NewApiTokenSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if isinstance(request.auth, ApiToken):
            raise PermissionDenied(
                {
                    "code": "session_required",
                    "detail": _("A token is created from a signed-in session, not with a token."),
                }
            )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = ApiToken.issue(user=api_user(request), name=serializer.validated_data["name"])
        data = {**ApiTokenSerializer(token).data, "key": key}  # as NewApiTokenSerializer says
        return Response(data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: ApiToken) -> None:
        instance.revoke()
