"""The two patient lists — the programme dashboard and a clinician's « Mes patients » — show
one patient table, with the same columns where they agree."""

import datetime

from django.utils import timezone

from sic.models import Contribution
from tests.conftest import World, client_for
from tests.factories import planned_sic

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


def _row(html: str, last_name: str) -> str:
    """The table row of the patient named `last_name`."""
    rows = html.split("<tr>")
    return next(row.split("</tr>")[0] for row in rows if last_name.upper() in row)


def test_each_row_links_to_the_patient_their_team_and_their_open_sic(world: World) -> None:
    sic = planned_sic(world.own, timezone.localdate() - datetime.timedelta(days=3))
    page = client_for(world.coordinator).get("/coordination/").content.decode()
    own = _row(page, world.own.last_name)
    assert f'href="/patients/{world.own.pk}/"' in own
    assert f'href="/patients/{world.own.pk}/equipe/"' in own
    assert f'href="/sic/{sic.pk}/"' in own
    assert "En retard" in own  # due three days ago
    assert "Complète" in own
    other = _row(page, world.other.last_name)
    # The other patient's team has a GP only: three required roles missing, named on hover.
    assert "3 rôles manquants" in other
    assert "Manquant: Infirmier·e, Pharmacien·ne, Spécialiste" in other
    assert f'href="/patients/{world.other.pk}/equipe/"' in other
    assert "/sic/" not in other


def test_my_patients_shows_my_role_and_my_contribution_to_the_scheduled_sic(
    world: World,
) -> None:
    sic = planned_sic(world.own, timezone.localdate() + datetime.timedelta(days=30))
    sic.schedule(at=timezone.now() + datetime.timedelta(days=10))
    sic.save()
    client = client_for(world.gp)
    own = _row(client.get("/mes-patients/").content.decode(), world.own.last_name)
    assert "Médecin traitant" in own
    assert f'<a href="/sic/{sic.pk}/"><span class="badge badge--danger">À rédiger</span></a>' in own
    Contribution.objects.create(
        sic=sic, kind="gp_summary", author=world.gp, entered_by=world.gp, content={}
    )
    own = _row(client.get("/mes-patients/").content.decode(), world.own.last_name)
    assert '<span class="badge badge--warn">Brouillon</span>' in own


def test_a_name_or_city_written_as_html_is_shown_as_text_in_both_lists(world: World) -> None:
    world.own.last_name = '<img src=x onerror="alert(1)">'
    world.own.city = "Lille & <b>Roubaix</b>"
    world.own.save(update_fields=["last_name", "city"])
    for user, url in ((world.coordinator, "/coordination/"), (world.gp, "/mes-patients/")):
        page = client_for(user).get(url).content.decode()
        assert "<img src=x" not in page
        assert "<b>Roubaix</b>" not in page
        assert "&lt;IMG SRC=X ONERROR=&quot;ALERT(1)&quot;&gt;" in page  # shown in capitals
        assert "Lille &amp; &lt;b&gt;Roubaix&lt;/b&gt;" in page
