"""Pages and labels that Django, allauth or DRF would show in English, in French."""

from __future__ import annotations

from labparcours.access_labels import READ_LABELS, read_label
from tests.conftest import World, client_for


def test_the_code_reauthentication_page_says_where_the_code_goes(world: World) -> None:
    page = client_for(world.gp).get("/compte/reauthenticate/code/").content.decode()
    assert "Envoyer le code à" in page
    assert "Recipient" not in page


def test_the_admin_names_two_factor_authentication_in_french(world: World) -> None:
    world.admin.is_superuser = True
    world.admin.save()
    page = client_for(world.admin).get("/admin/").content.decode()
    assert "Authentification à deux facteurs" in page
    assert "Authentificateurs" in page
    assert ">MFA<" not in page
    assert "Authenticators" not in page


def test_the_browsable_api_root_is_in_french(world: World) -> None:
    page = client_for(world.gp).get("/api/v1/", HTTP_ACCEPT="text/html").content.decode()
    assert "API de Lab Parcours" in page
    assert "Api Root" not in page
    assert "DefaultRouter" not in page


def test_every_kind_of_read_the_patient_may_see_has_a_french_label() -> None:
    from django.utils import translation

    with translation.override("en"):
        english = {what: str(label) for what, label in READ_LABELS.items()}
    same_in_both = {"SIC", "Inclusion", "Invitation", "Notifications"}
    for what, label in READ_LABELS.items():
        assert str(label) != english[what] or english[what] in same_in_both, what
    assert read_label("supplementary care (prescription)") == "Soins de support (prescription)"
    assert read_label("care plan (api)") == "Plan de soins (API)"
    assert read_label("admin: careplan") == "Administration (plan de soins)"
