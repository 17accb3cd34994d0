"""The two patient lists — the programme dashboard and a clinician's « Mes patients » — show
one patient table, with the same columns where they agree."""

from tests.conftest import World, client_for

TABLE = "partials/patient_table.html"


def _templates(response) -> list[str]:
    return [t.name for t in response.templates]


def test_it_shows_the_one_patient_table_on_the_dashboard(world: World) -> None:
    response = client_for(world.coordinator).get("/coordination/")
    assert TABLE in _templates(response)
    page = response.content.decode()
    assert world.own.last_name.upper() in page
    assert "Statut" in page
    assert "Mon rôle" not in page


def test_it_shows_the_same_table_with_the_clinicians_columns_on_my_patients(
    world: World,
) -> None:
    response = client_for(world.gp).get("/mes-patients/")
    assert TABLE in _templates(response)
    page = response.content.decode()
    assert world.own.last_name.upper() in page
    assert "Mon rôle" in page
    assert "Ma contribution" in page


def test_it_keeps_the_table_in_the_dashboards_htmx_fragment(world: World) -> None:
    response = client_for(world.coordinator).post(
        "/coordination/", {"q": world.own.last_name}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert TABLE in _templates(response)
    assert 'id="patient-table"' in page
    assert "<html" not in page
    assert world.own.last_name.upper() in page
