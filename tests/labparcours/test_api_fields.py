"""The API's serializers work out their fields from the model once per class
(`labparcours.api_base.ModelSerializer.get_fields`): each serializer still gets fields of its
own, so that what one request narrows (a consent's caregivers, to its patient's) reaches no
other request."""

from __future__ import annotations

from unittest import mock

from rest_framework import serializers

from patients.api import ConsentSerializer, PatientSerializer
from tests.conftest import World
from tests.factories import CaregiverFactory


def test_each_serializer_offers_only_its_own_patients_caregivers(world: World) -> None:
    theirs = CaregiverFactory(patient=world.other)
    own = ConsentSerializer(context={"patient": world.own})
    other = ConsentSerializer(context={"patient": world.other})

    own_choices = set(own.fields["caregiver"].queryset)  # type: ignore[attr-defined]
    other_choices = set(other.fields["caregiver"].queryset)  # type: ignore[attr-defined]

    assert own_choices == {world.caregiver}
    assert other_choices == {theirs}
    # Naming the other patient's caregiver for the own patient is refused.
    refused = ConsentSerializer(
        data={"kind": "caregiver_delegation", "caregiver": theirs.pk},
        context={"patient": world.own},
    )
    assert not refused.is_valid()
    assert "caregiver" in refused.errors


def test_the_model_is_read_once_per_class_and_the_fields_are_not_shared(db: None) -> None:
    PatientSerializer().fields  # noqa: B018 — worked out once, perhaps by an earlier test
    with mock.patch.object(
        serializers.ModelSerializer, "build_field", wraps=None, side_effect=AssertionError
    ):
        first, second = PatientSerializer().fields, PatientSerializer().fields
    assert list(first) == list(second)
    assert all(first[name] is not second[name] for name in first)
    assert first["last_name"].parent is not second["last_name"].parent
