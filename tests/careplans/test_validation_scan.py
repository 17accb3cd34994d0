"""The scanned sheet of a paper validation: checked the same way on the page and the API,
stored under a generated name outside any URL, read back only by the scoped view."""

from __future__ import annotations

import html
import importlib
import json
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import clear_url_caches

from careplans.models import CarePlan, PlanStatus
from labparcours.models import AccessLogEntry, Role
from tests.conftest import World, client_for
from tests.factories import UserFactory
from tests.uploads import ACCEPTED, HTML, REFUSED, pdf_bytes, signed_sheet, upload

DOORS = ("page", "api")
NOT_ACCEPTED = "Ce fichier n’est pas un PDF, un JPEG ou un PNG."
MESSAGES = {
    "elf executable": NOT_ACCEPTED,
    "pe executable": NOT_ACCEPTED,
    "html as png": NOT_ACCEPTED,
    "svg with script as jpg": NOT_ACCEPTED,
    "pdf with a script on opening": "Ce PDF contient du contenu actif",
    "pdf with an embedded file": "Ce PDF contient du contenu actif",
    "pdf that cannot be parsed": "Ce PDF est illisible",
    "empty file": "Ce fichier est vide.",
}
NOT_ON_PAPER = "Une feuille scannée ne se joint qu’à une validation sur papier."


def send(world: World, plan: CarePlan, door: str, file) -> tuple[int, str]:
    """The coordinator records a paper validation with `file`, through the page or the API."""
    client = client_for(world.coordinator)
    if door == "page":
        response = client.post(
            f"/plans/{plan.pk}/validation/", {"method": "paper", "scan": file, "confirm": "on"}
        )
        return response.status_code, response.content.decode()
    response = client.post(
        f"/api/v1/careplans/{plan.pk}/validate/", {"method": "paper", "scan": file}
    )
    return response.status_code, response.content.decode()


def stored_files() -> list[Path]:
    roots = (Path(django_settings.PRIVATE_MEDIA_ROOT), Path(django_settings.MEDIA_ROOT))
    return [path for root in roots if root.exists() for path in root.rglob("*") if path.is_file()]


def paper_validated(world: World, plan: CarePlan, file=None) -> CarePlan:
    plan.validate(by=world.coordinator, method="paper", scan=file or signed_sheet())
    plan.refresh_from_db()
    return plan


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("case", sorted(REFUSED))
def test_it_refuses_a_file_that_is_not_a_clean_pdf_jpeg_or_png(
    world: World, plans, case: str, door: str
) -> None:
    status, body = send(world, plans["own"], door, upload(*REFUSED[case]))
    assert status == 400
    if door == "api":
        [message] = json.loads(body)["errors"]["scan"]
        assert message.startswith(MESSAGES[case])
    else:
        assert MESSAGES[case] in html.unescape(body)
    plans["own"].refresh_from_db()
    assert plans["own"].status == PlanStatus.PROPOSED
    assert not plans["own"].validation_scan
    assert stored_files() == []


@pytest.mark.parametrize("door", DOORS)
def test_it_refuses_a_file_over_the_size_limit(world: World, plans, settings, door: str) -> None:
    settings.LABPARCOURS_UPLOAD_MAX_BYTES = 200
    status, body = send(world, plans["own"], door, signed_sheet())
    assert status == 400
    assert "Ce fichier est trop volumineux (200" in html.unescape(body)
    if door == "api":
        assert list(json.loads(body)["errors"]) == ["scan"]
    plans["own"].refresh_from_db()
    assert plans["own"].status == PlanStatus.PROPOSED
    assert stored_files() == []


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("kind", sorted(ACCEPTED))
def test_it_accepts_a_real_pdf_png_or_jpeg_under_a_generated_name(
    world: World, plans, kind: str, door: str
) -> None:
    name, content, content_type = ACCEPTED[kind]
    status, _ = send(world, plans["own"], door, upload(f"Lambert_Marcel_{name}", content, ""))
    assert status in {200, 302}
    plan = plans["own"]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.VALIDATED
    extension = {"pdf": "pdf", "png": "png", "jpeg": "jpg"}[kind]
    assert re.fullmatch(
        rf"careplans/scans/\d{{4}}/[0-9a-f]{{32}}\.{extension}", plan.validation_scan.name
    )
    [stored] = stored_files()
    assert stored.is_relative_to(django_settings.PRIVATE_MEDIA_ROOT)
    assert stored.read_bytes() == content


def test_the_stored_extension_follows_the_content_not_the_name(world: World, plans) -> None:
    png = ACCEPTED["png"][1]
    send(world, plans["own"], "page", upload("scan.pdf", png, "application/pdf"))
    plans["own"].refresh_from_db()
    assert plans["own"].validation_scan.name.endswith(".png")
    response = client_for(world.gp).get(f"/plans/{plans['own'].pk}/feuille-signee/")
    assert response["Content-Type"] == "image/png"


def test_the_care_team_downloads_the_sheet_as_an_attachment(world: World, plans) -> None:
    plan = paper_validated(world, plans["own"])
    response = client_for(world.gp).get(f"/plans/{plan.pk}/feuille-signee/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="plan-de-soins-v1-feuille-signee.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    entry = AccessLogEntry.objects.get(user=world.gp, patient=world.own)
    assert entry.what == "care plan (signed sheet)"
    journal = client_for(world.patient_user).get("/mon-dossier/acces/").content.decode()
    assert "Plan de soins (feuille signée)" in journal


def test_the_api_serves_the_sheet_the_same_way(world: World, plans) -> None:
    plan = paper_validated(world, plans["own"])
    response = client_for(world.nurse).get(f"/api/v1/careplans/{plan.pk}/scan/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert AccessLogEntry.objects.filter(
        user=world.nurse, what="care plan (signed sheet) (api)"
    ).exists()


def test_the_patient_finds_the_sheet_they_signed(world: World, plans) -> None:
    plan = paper_validated(world, plans["own"])
    page = client_for(world.patient_user).get("/mon-plan/").content.decode()
    assert f"/plans/{plan.pk}/feuille-signee/" in page
    assert (
        client_for(world.patient_user).get(f"/plans/{plan.pk}/feuille-signee/").status_code == 200
    )
    detail = client_for(world.coordinator).get(f"/plans/{plan.pk}/").content.decode()
    assert f"/plans/{plan.pk}/feuille-signee/" in detail
    assert "/media/" not in detail


def test_an_outsider_never_reaches_the_sheet(world: World, plans) -> None:
    plan = paper_validated(world, plans["own"])
    another_patient = UserFactory(role=Role.PATIENT, email="josiane@example.test")
    world.other.user = another_patient
    world.other.save(update_fields=["user"])
    page, api = f"/plans/{plan.pk}/feuille-signee/", f"/api/v1/careplans/{plan.pk}/scan/"
    for outsider in (world.former_member, another_patient):
        assert client_for(outsider).get(page).status_code == 404
        assert client_for(outsider).get(api).status_code == 404
    other_plan = paper_validated(world, plans["other"])
    assert client_for(world.gp).get(f"/plans/{other_plan.pk}/feuille-signee/").status_code == 404
    anonymous = Client().get(page)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/compte/login/")
    assert Client().get(api).status_code in {401, 403}
    assert not AccessLogEntry.objects.filter(what__startswith="care plan (signed sheet)").exists()


def test_a_plan_without_a_sheet_answers_404(world: World, plans) -> None:
    assert client_for(world.gp).get(f"/plans/{plans['own'].pk}/feuille-signee/").status_code == 404


def test_no_address_under_media_serves_an_upload_even_in_debug(
    world: World, plans, settings
) -> None:
    plan = paper_validated(world, plans["own"])
    settings.DEBUG = True
    try:
        importlib.reload(importlib.import_module(django_settings.ROOT_URLCONF))
        clear_url_caches()
        client = client_for(world.coordinator)
        assert client.get(f"/media/{plan.validation_scan.name}").status_code == 404
        with pytest.raises(ValueError, match="no URL"):
            plan.validation_scan.url  # noqa: B018
    finally:
        settings.DEBUG = False
        importlib.reload(importlib.import_module(django_settings.ROOT_URLCONF))
        clear_url_caches()


def test_a_sheet_stored_by_an_older_version_still_downloads(world: World, plans) -> None:
    plan = paper_validated(world, plans["own"])
    legacy = "careplans/scans/2025/Lambert_Marcel_signature.pdf"
    path = Path(django_settings.MEDIA_ROOT) / legacy
    path.parent.mkdir(parents=True)
    path.write_bytes(pdf_bytes())
    CarePlan.objects.filter(pk=plan.pk).update(validation_scan=legacy)
    response = client_for(world.gp).get(f"/plans/{plan.pk}/feuille-signee/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Lambert" not in response["Content-Disposition"]


def test_an_html_file_stored_by_an_older_version_is_never_served_as_html(
    world: World, plans
) -> None:
    plan = paper_validated(world, plans["own"])
    legacy = "careplans/scans/2025/page.html"
    (Path(django_settings.MEDIA_ROOT) / legacy).parent.mkdir(parents=True)
    (Path(django_settings.MEDIA_ROOT) / legacy).write_bytes(HTML)
    CarePlan.objects.filter(pk=plan.pk).update(validation_scan=legacy)
    response = client_for(world.gp).get(f"/plans/{plan.pk}/feuille-signee/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == (
        'attachment; filename="plan-de-soins-v1-feuille-signee.bin"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_stored_file_keeps_nothing_of_the_original_name(world: World, plans) -> None:
    plan = plans["own"]
    plan.validation_scan.save("Lambert_Marcel_signature.pdf", ContentFile(pdf_bytes()), save=False)
    assert "Lambert" not in plan.validation_scan.name
    assert "signature" not in plan.validation_scan.name


def test_it_refuses_a_sheet_sent_with_an_online_validation(world: World, plans) -> None:
    plan = plans["own"]
    response = client_for(world.patient_user).post(
        f"/api/v1/careplans/{plan.pk}/validate/", {"method": "online", "scan": signed_sheet()}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"scan": [NOT_ON_PAPER]}
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED
    assert not plan.validation_scan
    assert stored_files() == []


@pytest.mark.parametrize("door", DOORS)
def test_it_refuses_a_sheet_sent_with_a_validation_by_phone(world: World, plans, door: str) -> None:
    plan = plans["own"]
    client = client_for(world.coordinator)
    if door == "page":
        response = client.post(
            f"/plans/{plan.pk}/validation/",
            {"method": "phone", "scan": signed_sheet(), "confirm": "on"},
        )
    else:
        response = client.post(
            f"/api/v1/careplans/{plan.pk}/validate/", {"method": "phone", "scan": signed_sheet()}
        )
    assert response.status_code == 400
    if door == "api":
        assert response.json()["errors"] == {"scan": [NOT_ON_PAPER]}
    else:
        assert NOT_ON_PAPER in html.unescape(response.content.decode())
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED
    assert not plan.validation_scan
    assert stored_files() == []
