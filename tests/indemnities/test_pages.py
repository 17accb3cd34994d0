"""« Mes indemnisations » and the admin's « Indemnisations », as their users see them."""

from __future__ import annotations

import pytest
from django.core import mail

from indemnities.models import BankAccount, IndemnityLine, LineState, PaymentBatch
from labparcours.models import AccessLogEntry
from programme.demo_data import DEMO_IBANS
from teams.models import PracticeMode
from tests.conftest import World, client_for
from tests.indemnities.pages import (
    batch_of,
    days_ago,
    item_lines,
    item_rate,
    period,
    with_bank_account,
)


@pytest.fixture
def lines(world: World) -> World:
    """Two lines of the GP about the own patient, one of the nurse about the other."""
    item_rate("40.00")
    item_lines(world.admin, world.gp, n=2, patient=world.own)
    item_lines(world.admin, world.nurse, patient=world.other)
    return world


def states(world: World, role: str) -> set[str]:
    return set(
        IndemnityLine.objects.with_state()
        .filter(professional__user=world.user(role))
        .values_list("state", flat=True)
    )


# --- « Mes indemnisations » ---------------------------------------------------------------------


def test_a_professional_sees_their_own_lines_with_initials_only(lines: World) -> None:
    with_bank_account(lines.nurse, DEMO_IBANS[1])
    page = client_for(lines.gp).get("/indemnisations/").content.decode()
    assert page.count('<td class="nowrap cell-date"') == 2  # the GP's two lines, no other
    assert "80,00 €" in page  # to approve
    assert "M.L." in page
    assert "Lambert" not in page
    assert "Vermeersch" not in page
    assert "J.V." not in page
    assert "Nous n'avons pas encore vos coordonnées bancaires" in page
    assert DEMO_IBANS[1][-3:] not in page  # nor the nurse's bank details


def test_reading_the_initials_is_in_the_patients_access_log(lines: World) -> None:
    client_for(lines.gp).get("/indemnisations/")
    reads = AccessLogEntry.objects.filter(user=lines.gp)
    assert list(reads.values_list("patient", "what")) == [
        (lines.own.pk, "indemnities (patient initials)")
    ]


def test_the_bank_details_are_shown_masked_and_saved_with_an_email(
    lines: World, django_capture_on_commit_callbacks
) -> None:
    client = client_for(lines.gp)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/indemnisations/",
            {"holder": "Dr Martin", "iban": "fr76 3000 6000 0112 3456 7890 189", "bic": "agrifrpp"},
        )
    assert response.status_code == 302
    account = BankAccount.objects.get(professional__user=lines.gp)
    assert (account.holder, account.iban) == ("Dr Martin", "FR7630006000011234567890189")
    assert [m.to for m in mail.outbox] == [[lines.gp.email]]
    page = client.get("/indemnisations/").content.decode()
    assert "FR76 •••• •••• 189" in page
    assert "30006000011234567890" not in page.replace(" ", "")


def test_a_wrong_iban_is_refused_in_french_and_nothing_typed_is_lost(lines: World) -> None:
    response = client_for(lines.gp).post(
        "/indemnisations/",
        {"holder": "Dr Martin", "iban": "FR7730006000011234567890189", "bic": "AGRIFRPP"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "clé de contrôle" in page
    assert 'value="Dr Martin"' in page
    assert 'value="FR7730006000011234567890189"' in page
    assert 'value="AGRIFRPP"' in page
    assert not BankAccount.objects.filter(professional__user=lines.gp).exists()
    assert mail.outbox == []


def test_a_salaried_professional_is_told_they_accrue_nothing(world: World) -> None:
    world.gp.professional.practice_mode = PracticeMode.SALARIED
    world.gp.professional.save(update_fields=["practice_mode"])
    page = client_for(world.gp).get("/indemnisations/").content.decode()
    assert "vous n'accumulez pas d'indemnisation" in page
    assert "Mes coordonnées bancaires" not in page
    response = client_for(world.gp).post(
        "/indemnisations/", {"holder": "Dr X", "iban": DEMO_IBANS[0], "bic": ""}
    )
    assert response.status_code == 403
    assert not BankAccount.objects.exists()


# --- The admin's « Indemnisations » -------------------------------------------------------------


def test_the_admin_sees_the_lines_to_approve_per_professional_with_totals(lines: World) -> None:
    page = client_for(lines.admin).get("/indemnisations/admin/").content.decode()
    assert str(lines.gp.professional) in page
    assert str(lines.nurse.professional) in page
    assert "80,00 €" in page
    assert "40,00 €" in page
    assert "Valider les 3 lignes" in page
    assert "Lambert" not in page
    reads = AccessLogEntry.objects.filter(user=lines.admin, what="indemnities (patient initials)")
    assert set(reads.values_list("patient", flat=True)) == {lines.own.pk, lines.other.pk}


def test_approving_in_bulk_takes_the_filtered_lines_only(lines: World) -> None:
    gp = lines.gp.professional
    response = client_for(lines.admin).post(
        "/indemnisations/admin/valider/",
        {"professional": gp.pk, "date_from": f"{days_ago(10):%Y-%m-%d}", "query": "x=1"},
        follow=True,
    )
    assert "2 lignes validées." in response.content.decode()
    assert response.redirect_chain[-1][0] == "/indemnisations/admin/?x=1"
    assert states(lines, "gp") == {LineState.APPROVED}
    assert states(lines, "nurse") == {LineState.ACCRUED}


def test_the_approve_button_carries_the_filters_shown(lines: World) -> None:
    gp = lines.gp.professional
    page = client_for(lines.admin).get(f"/indemnisations/admin/?professional={gp.pk}")
    text = page.content.decode()
    assert f'<input type="hidden" name="professional" value="{gp.pk}">' in text
    assert "Valider les 2 lignes" in text
    assert str(lines.nurse.professional) not in text.split('id="lines-to-approve"')[1]


def test_building_a_batch_from_the_page(lines: World) -> None:
    for role in ("gp", "nurse"):
        with_bank_account(lines.user(role))
    client = client_for(lines.admin)
    client.post("/indemnisations/admin/valider/", {})
    response = client.post(
        "/indemnisations/lots/", {**period(), "execution_date": f"{days_ago(0):%Y-%m-%d}"}
    )
    assert response.status_code == 302
    batch = PaymentBatch.objects.with_totals().get()
    assert (batch.total, batch.professional_count) == (120, 2)
    page = client.get("/indemnisations/admin/").content.decode()
    assert batch.reference in page
    assert "120,00 €" in page


def test_a_batch_with_nothing_to_pay_is_refused_in_french_and_the_dates_kept(
    lines: World,
) -> None:
    response = client_for(lines.admin).post(
        "/indemnisations/lots/", {**period(), "execution_date": "2031-02-03"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Aucune ligne validée" in page
    assert 'value="2031-02-03"' in page
    assert not PaymentBatch.objects.exists()


def test_the_sepa_file_downloaded_twice_is_the_same_stored_bytes(lines: World) -> None:
    batch = batch_of(lines.admin, lines.gp, lines.nurse)
    client = client_for(lines.admin)
    first = client.get(f"/indemnisations/lots/{batch.pk}/sepa.xml")
    second = client.get(f"/indemnisations/lots/{batch.pk}/sepa.xml")
    assert first["Content-Type"] == "application/xml"
    assert first["Content-Disposition"] == f'attachment; filename="{batch.reference}.xml"'
    assert first.content == second.content == bytes(batch.sepa_file)


def test_once_the_batch_is_marked_paid_the_gp_sees_paid(lines: World) -> None:
    batch = batch_of(lines.admin, lines.gp)
    in_batch = '<span class="badge badge--info">Dans un lot de paiement</span>'
    assert in_batch in client_for(lines.gp).get("/indemnisations/").content.decode()
    response = client_for(lines.admin).post(
        f"/indemnisations/lots/{batch.pk}/paye/",
        {"paid_on": f"{days_ago(0):%Y-%m-%d}", "bank_reference": "VIR-2026-001"},
        follow=True,
    )
    assert f"Le lot {batch.reference} est marqué payé." in response.content.decode()
    assert "VIR-2026-001" in response.content.decode()
    page = client_for(lines.gp).get("/indemnisations/").content.decode()
    assert '<span class="badge badge--ok">Payée</span>' in page
    assert in_batch not in page


def test_the_gp_downloads_their_statement_of_the_batch(lines: World) -> None:
    batch = batch_of(lines.admin, lines.gp, lines.nurse)
    client = client_for(lines.gp)
    page = client.get("/indemnisations/").content.decode()
    assert f"/indemnisations/releves/{batch.pk}/" in page
    assert "80,00 €" in page.split('id="statements"')[1]  # the GP's share, not the batch's 120
    response = client.get(f"/indemnisations/releves/{batch.pk}/")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reads = AccessLogEntry.objects.filter(user=lines.gp, what="indemnity statement")
    assert list(reads.values_list("patient", flat=True)) == [lines.own.pk]
    assert (
        client_for(lines.pharmacist).get(f"/indemnisations/releves/{batch.pk}/").status_code == 404
    )


def test_marking_paid_without_a_reference_is_refused(lines: World) -> None:
    batch = batch_of(lines.admin, lines.gp)
    response = client_for(lines.admin).post(
        f"/indemnisations/lots/{batch.pk}/paye/", {"paid_on": "", "bank_reference": ""}, follow=True
    )
    assert "Indiquez la date du paiement" in response.content.decode()
    batch.refresh_from_db()
    assert not batch.is_paid


# --- Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "url"), [("gp", "/indemnisations/"), ("admin", "/indemnisations/admin/")]
)
def test_the_pages_run_as_many_queries_for_200_lines_as_for_10(
    world: World, role: str, url: str, django_assert_max_num_queries
) -> None:
    item_rate()
    for user in (world.gp, world.nurse):
        with_bank_account(user)
    client = client_for(world.user(role))
    client.get(url)  # warm the session

    def add(n: int) -> None:
        for i in range(n):
            patient = world.own if i % 2 else world.other
            item_lines(world.admin, world.gp if i % 3 else world.nurse, patient=patient)

    add(10)
    batch_of(world.admin, world.gp, world.nurse)  # paid ones in a batch, others to approve
    add(10)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    add(180)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
