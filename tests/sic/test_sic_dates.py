"""A SIC's date tells the truth: it is recorded as held only once its time has come, the next
one is due from the day it was really held, and every page shows the scheduled date (or the
day it was held) rather than the date it was due."""

import datetime

import time_machine
from django.utils import timezone

from sic.models import Contribution, Sic, SicStatus
from sic.services import sic_ensure_planned, sic_schedule
from tests.conftest import World, client_for
from tests.factories import hold

TZ = timezone.get_default_timezone()


def at(month: int, day: int, hour: int = 14, year: int = 2025) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=TZ)


def scheduled_on_the_15th(patient) -> Sic:
    """A SIC due on 12 December, scheduled on Monday 15 December 2025 at 14:00."""
    sic = sic_ensure_planned(patient=patient)
    Sic.objects.filter(pk=sic.pk).update(due_date=datetime.date(2025, 12, 12))
    with time_machine.travel(at(11, 20), tick=False):
        return sic_schedule(sic=sic, at=at(12, 15))


def hold_form(**changes: str) -> dict:
    return {"minutes": "Point sur le traitement", "patient_present": "on", **changes}


def test_a_sic_held_before_its_scheduled_date_is_refused_on_the_page_and_the_api(
    world: World,
) -> None:
    sic = scheduled_on_the_15th(world.own)
    coordinator = client_for(world.coordinator)
    with time_machine.travel(at(12, 1, 16), tick=False):
        page = coordinator.post(f"/sic/{sic.pk}/compte-rendu/", hold_form())
        api = coordinator.post(
            f"/api/v1/sics/{sic.pk}/hold/",
            {"minutes": "ok", "patient_present": True},
            content_type="application/json",
        )
    assert page.status_code == 200
    assert (
        "Cette SIC est programmée le lundi 15 décembre 2025, 14:00 : elle peut être "
        "enregistrée une fois qu’elle a eu lieu. Si elle s’est tenue plus tôt, "
        "reprogrammez-la d’abord." in page.content.decode()
    )
    assert api.status_code == 409
    assert api.json()["code"] == "not_started"
    sic.refresh_from_db()
    assert sic.status == SicStatus.SCHEDULED
    assert not Sic.objects.filter(patient=world.own, status=SicStatus.PLANNED).exists()


def test_a_held_date_before_the_scheduled_start_or_to_come_is_refused(world: World) -> None:
    sic = scheduled_on_the_15th(world.own)
    coordinator = client_for(world.coordinator)
    with time_machine.travel(at(12, 17, 9), tick=False):
        early = coordinator.post(
            f"/sic/{sic.pk}/compte-rendu/", hold_form(held_at="2025-12-01T14:00")
        )
        to_come = coordinator.post(
            f"/api/v1/sics/{sic.pk}/hold/",
            {"minutes": "ok", "patient_present": True, "held_at": at(12, 20).isoformat()},
            content_type="application/json",
        )
    assert list(early.context["form"].errors) == ["held_at"]
    assert (
        early.context["form"]
        .errors["held_at"][0]
        .startswith(
            "Une SIC ne peut pas être enregistrée comme tenue avant l’heure programmée "
            "(15 décembre 2025, 14:00)."
        )
    )
    assert to_come.status_code == 400
    assert to_come.json()["errors"] == {
        "held_at": ["Une SIC ne peut pas être enregistrée comme tenue dans le futur."]
    }
    sic.refresh_from_db()
    assert sic.status == SicStatus.SCHEDULED


def test_the_next_sic_is_due_six_months_after_the_day_it_was_really_held(world: World) -> None:
    sic = scheduled_on_the_15th(world.own)
    with time_machine.travel(at(12, 22, 9), tick=False):
        # Recorded a week later, held a day late (the team met on the 16th).
        response = client_for(world.coordinator).post(
            f"/sic/{sic.pk}/compte-rendu/", hold_form(held_at="2025-12-16T10:30")
        )
    assert response.status_code == 302
    sic.refresh_from_db()
    assert timezone.localtime(sic.held_at) == at(12, 16, 10).replace(minute=30)
    assert Sic.objects.open().get(patient=world.own).due_date == datetime.date(2026, 6, 16)


def test_by_default_a_sic_is_held_at_its_scheduled_time(world: World) -> None:
    sic = scheduled_on_the_15th(world.own)
    with time_machine.travel(at(12, 15, 15), tick=False):
        hold(sic, by=world.coordinator)
    sic.refresh_from_db()
    assert sic.held_at == at(12, 15)
    assert Sic.objects.open().get(patient=world.own).due_date == datetime.date(2026, 6, 15)


def test_a_start_with_seconds_is_held_at_its_minute_as_the_form_shows_it(world: World) -> None:
    """Scheduled at 14:00:35 (through the API), the form offers « 14:00 »: that is accepted."""
    sic = scheduled_on_the_15th(world.own)
    Sic.objects.filter(pk=sic.pk).update(scheduled_at=at(12, 15) + datetime.timedelta(seconds=35))
    with time_machine.travel(at(12, 15, 15), tick=False):
        response = client_for(world.coordinator).post(
            f"/sic/{sic.pk}/compte-rendu/", hold_form(held_at="2025-12-15T14:00")
        )
    assert response.status_code == 302
    sic.refresh_from_db()
    assert sic.status == SicStatus.HELD


def test_the_pages_offer_to_record_a_sic_once_its_time_has_come(world: World) -> None:
    sic = scheduled_on_the_15th(world.own)
    coordinator = client_for(world.coordinator)
    with time_machine.travel(at(12, 14), tick=False):
        assert (
            f"/sic/{sic.pk}/compte-rendu/"
            not in coordinator.get(f"/sic/{sic.pk}/").content.decode()
        )
        form = coordinator.get(f"/sic/{sic.pk}/compte-rendu/").content.decode()
        assert "Cette SIC est programmée le lundi 15 décembre 2025, 14:00" in form
    with time_machine.travel(at(12, 15, 15), tick=False):
        assert f"/sic/{sic.pk}/compte-rendu/" in coordinator.get(f"/sic/{sic.pk}/").content.decode()
        form = coordinator.get(f"/sic/{sic.pk}/compte-rendu/")
        assert 'value="2025-12-15T14:00"' in form.content.decode()


def test_every_page_shows_the_scheduled_date_not_the_due_date(world: World) -> None:
    sic = scheduled_on_the_15th(world.own)
    scheduled = "lundi 15 décembre 2025, 14:00"
    pages = {
        world.gp: [
            f"/sic/{sic.pk}/contribution/gp_summary/",
            f"/sic/{sic.pk}/",
            f"/patients/{world.own.pk}/sic/",
            f"/patients/{world.own.pk}/",
        ],
        world.coordinator: ["/sic/?vue=scheduled"],
    }
    with time_machine.travel(at(12, 2), tick=False):
        for user, urls in pages.items():
            for url in urls:
                page = client_for(user).get(url).content.decode()
                assert scheduled in page, url
                assert "vers le 12 décembre" not in page, url
        form = client_for(world.patient_user).get(f"/sic/{sic.pk}/contribution/patient_experience/")
        assert (
            "Votre équipe de soins se réunit à votre sujet le lundi 15 décembre 2025 à 14:00."
            in form.content.decode()
        )


def test_a_sic_not_scheduled_yet_is_shown_around_its_due_date(world: World) -> None:
    sic = sic_ensure_planned(patient=world.own)
    Sic.objects.filter(pk=sic.pk).update(due_date=datetime.date(2025, 12, 12))
    with time_machine.travel(at(12, 2), tick=False):
        page = client_for(world.gp).get(f"/sic/{sic.pk}/contribution/gp_summary/")
        assert "SIC : vers le 12 décembre 2025." in page.content.decode()
        form = client_for(world.patient_user).get(f"/sic/{sic.pk}/contribution/patient_experience/")
        assert "se réunit à votre sujet vers le 12 décembre 2025." in form.content.decode()


def test_a_held_sic_shows_the_day_it_was_held(world: World) -> None:
    sic = scheduled_on_the_15th(world.own)
    Contribution.objects.create(
        sic=sic,
        kind="gp_summary",
        author=world.gp,
        entered_by=world.gp,
        content={"history": "h", "current_problems": "p", "expectations": "e"},
        status="submitted",
        submitted_at=at(12, 10),
    )
    with time_machine.travel(at(12, 20), tick=False):
        hold(sic, by=world.coordinator, held_at=at(12, 16))
        for url in (f"/sic/{sic.pk}/", f"/patients/{world.own.pk}/sic/", "/sic/?vue=held"):
            page = client_for(world.coordinator).get(url).content.decode()
            assert "tenue le 16 décembre 2025" in page, url
            assert "15 décembre" not in page, url
    sic.refresh_from_db()
    assert str(sic.when) == "tenue le 16 décembre 2025"


def test_a_sics_date_reads_as_djangos_date_formats_in_french_and_english() -> None:
    """`SicWhen` writes Django's "j F Y" and "l j F Y, H:i" out: every day of a year, at
    times around midnight and noon, in both languages, as `dateformat.format` writes them."""
    from django.utils import translation
    from django.utils.dateformat import format as format_date

    from sic.models import SicWhen

    first = datetime.date(2028, 1, 1)  # a leap year
    for language, held, around in (("fr", "tenue le", "vers le"), ("en", "held on", "around")):
        with translation.override(language):
            for n in range(366):
                day = first + datetime.timedelta(days=n)
                moment = timezone.localtime(
                    datetime.datetime.combine(day, datetime.time(n % 24, (7 * n) % 60), TZ)
                )
                assert str(SicWhen("held", moment)) == f"{held} {format_date(day, 'j F Y')}"
                assert str(SicWhen("due", day)) == f"{around} {format_date(day, 'j F Y')}"
                assert str(SicWhen("scheduled", moment)) == format_date(moment, "l j F Y, H:i")
