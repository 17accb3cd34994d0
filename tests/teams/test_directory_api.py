"""The coordinator corrects a professional of the directory through the API."""

from tests.conftest import World, client_for
from tests.factories import ProfessionalFactory


def test_it_patches_a_professional_and_writes_the_history(world: World) -> None:
    pro = world.gp.professional
    before = pro.history.count()
    response = client_for(world.coordinator).patch(
        f"/api/v1/professionals/{pro.pk}/", {"city": "Tourcoing"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    pro.refresh_from_db()
    assert pro.city == "Tourcoing"
    assert pro.history.count() == before + 1
    assert pro.history.first().history_user == world.coordinator


def test_it_refuses_the_rpps_of_another_professional_and_writes_nothing(world: World) -> None:
    pro, other = world.gp.professional, ProfessionalFactory()
    response = client_for(world.coordinator).patch(
        f"/api/v1/professionals/{pro.pk}/",
        {"rpps": other.rpps, "city": "Tourcoing"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["rpps"]
    pro.refresh_from_db()
    assert pro.city != "Tourcoing"
