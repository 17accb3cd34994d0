from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from labparcours.api_base import (
    AccessLoggedMixin,
    ConditionalWrites,
    CoordinatorWrites,
    ModelSerializer,
    candidate,
    model_clean,
    row_etag,
)
from labparcours.http import api_user
from labparcours.permissions import can_browse_directory, can_manage_patients
from patients.selectors import visible_patients
from teams.models import CareTeam, Membership, Professional, ProfessionalQuerySet
from teams.services import membership_add


class DirectoryPermission(permissions.IsAuthenticated):
    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS:
            return can_browse_directory(api_user(request))
        return can_manage_patients(api_user(request))


class ProfessionalSerializer(ModelSerializer):
    has_account = serializers.SerializerMethodField()

    class Meta:
        model = Professional
        fields = ("id", *Professional.EDITABLE_FIELDS, "has_account")

    def get_has_account(self, obj: Professional) -> bool:
        return obj.user_id is not None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        model_clean(candidate(self, attrs))
        return attrs


class ProfessionalFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Name or organisation")
    city = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Professional
        fields = ("profession", "practice_mode", "city")

    def filter_search(
        self, qs: ProfessionalQuerySet, name: str, value: str
    ) -> ProfessionalQuerySet:
        return qs.search(text=value)


class ProfessionalViewSet(ConditionalWrites, viewsets.ModelViewSet):
    """The directory of professionals (annuaire)."""

    serializer_class = ProfessionalSerializer
    permission_classes = (DirectoryPermission,)
    filterset_class = ProfessionalFilter
    queryset = Professional.objects.order_by("last_name", "first_name", "pk")
    http_method_names = ("get", "post", "patch", "head", "options")


class MembershipSerializer(ModelSerializer):
    professional_name = serializers.CharField(source="professional.__str__", read_only=True)
    profession = serializers.CharField(source="professional.profession", read_only=True)

    class Meta:
        model = Membership
        fields = (
            "id",
            "professional",
            "professional_name",
            "profession",
            "role",
            "joined_at",
            "left_at",
        )
        read_only_fields = ("id", "joined_at", "left_at")
        extra_kwargs = {"role": {"required": False}}


class CareTeamSerializer(ModelSerializer):
    # Filled by the viewset's prefetch (to_attr): the active members only.
    members = MembershipSerializer(source="active_memberships", many=True, read_only=True)
    missing_roles = serializers.SerializerMethodField()

    class Meta:
        model = CareTeam
        fields = ("id", "patient", "members", "missing_roles")

    def get_missing_roles(self, team: CareTeam) -> list[str]:
        return [str(role) for role in team.missing_roles()]


class CareTeamFilter(django_filters.FilterSet):
    patient = django_filters.UUIDFilter(field_name="patient_id")  # a value, never looked up

    class Meta:
        model = CareTeam
        fields = ("patient",)


class CareTeamViewSet(
    ConditionalWrites,
    AccessLoggedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Care teams of the patients in the caller's scope."""

    serializer_class = CareTeamSerializer
    permission_classes = (CoordinatorWrites,)
    filterset_class = CareTeamFilter
    access_what = "care team"
    patient_of = staticmethod(lambda team: team.patient)

    def etag_of(self, team: CareTeam) -> str:
        """A version of the team is its active members and their roles: adding a member, or
        one leaving, changes it."""
        members = getattr(team, "active_memberships", None)
        if members is None:
            members = team.memberships.active()
        return row_etag(team, *sorted((member.pk, member.role) for member in members))

    def get_queryset(self) -> QuerySet[CareTeam]:
        from django.db.models import Prefetch

        return (
            CareTeam.objects.filter(patient__in=visible_patients(api_user(self.request)))
            .select_related("patient")
            .with_role_counts()
            .prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=Membership.objects.active().select_related("professional"),
                    to_attr="active_memberships",
                )
            )
            .order_by("pk")
        )

    @extend_schema(methods=["GET"], responses=MembershipSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=MembershipSerializer, responses={201: MembershipSerializer}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=MembershipSerializer,
        pagination_class=None,
        access_what="care team members",
    )
    def members(self, request: Request, pk: str | None = None) -> Response:
        team = self.get_object()
        if request.method == "POST":
            serializer = MembershipSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            professional = serializer.validated_data["professional"]
            membership = membership_add(
                team=team,
                professional=professional,
                role=serializer.validated_data.get("role") or professional.default_team_role,
                added_by=api_user(request),
            )
            return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)
        memberships = team.memberships.select_related("professional").order_by("left_at", "role")
        return Response(MembershipSerializer(memberships, many=True).data)

    @extend_schema(request=None, responses=MembershipSerializer)
    @action(detail=True, methods=["post"], url_path=r"members/(?P<membership_pk>\d+)/leave")
    def leave(self, request: Request, pk: str | None = None, membership_pk: str = "") -> Response:
        team = self.get_object()
        membership = team.memberships.filter(pk=membership_pk).first()
        if membership is None:
            raise Http404
        membership.leave()
        return Response(MembershipSerializer(membership).data)
