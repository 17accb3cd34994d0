import re

from django.core import mail
from django.test import Client

from labparcours.models import Invitation, Role, User
from tests.conftest import World, client_for
from tests.factories import CaregiverFactory, ProfessionalFactory


def invite_link() -> str:
    match = re.search(r"http://\S+/compte/invitation/(\S+)/", mail.outbox[-1].body)
    assert match
    return f"/compte/invitation/{match.group(1)}/"


def invited(world: World, capture, url: str, data: dict | None = None) -> str:
    """The coordinator sends an invitation (`url`): the link the e-mail carries."""
    with capture(execute=True):
        client_for(world.coordinator).post(url, data or {})
    return invite_link()


def test_a_professional_accepts_an_invitation_and_gets_a_linked_login(
    world: World, django_capture_on_commit_callbacks
) -> None:
    pro = ProfessionalFactory(email="nouvelle@example.test")
    from tests.factories import MembershipFactory

    MembershipFactory(patient=world.own, professional=pro, role="other")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.coordinator).post(f"/annuaire/{pro.pk}/invitation/")
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@example.test"]
    # No health data in the e-mail: no patient name, no pathway.
    for leak in (world.own.last_name, world.own.first_name, "insuffisance", "diabète"):
        assert leak.lower() not in message.body.lower()

    client = Client()
    form = client.get(invite_link())
    assert form.status_code == 200
    response = client.post(
        invite_link(),
        {
            "first_name": "Léa",
            "last_name": "Roux",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@example.test")
    pro.refresh_from_db()
    assert pro.user == user
    assert user.role == Role.CLINICIAN
    assert client.get(f"/patients/{world.own.pk}/").status_code == 200


def test_an_invitation_works_only_once(world: World, django_capture_on_commit_callbacks) -> None:
    pro = ProfessionalFactory(email="once@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.coordinator).post(f"/annuaire/{pro.pk}/invitation/")
    link = invite_link()
    data = {
        "first_name": "A",
        "last_name": "B",
        "password1": "un-mot-de-passe-solide",
        "password2": "un-mot-de-passe-solide",
    }
    Client().post(link, data)
    assert Client().get(link).status_code == 404
    assert Invitation.objects.get().accepted_at is not None


def test_a_weak_password_is_refused_and_nothing_is_created(
    world: World, django_capture_on_commit_callbacks
) -> None:
    pro = ProfessionalFactory(email="weak@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.coordinator).post(f"/annuaire/{pro.pk}/invitation/")
    response = Client().post(
        invite_link(), {"first_name": "A", "last_name": "B", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="weak@example.test").exists()


def test_the_patient_is_invited_from_their_page(
    world: World, django_capture_on_commit_callbacks
) -> None:
    world.own.user = None
    world.own.save()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.coordinator).post(f"/patients/{world.own.pk}/invitation/patient/")
    assert mail.outbox[-1].to == [world.own.email]
    Client().post(
        invite_link(),
        {
            "first_name": "M",
            "last_name": "L",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
    )
    world.own.refresh_from_db()
    assert world.own.user.role == Role.PATIENT


def test_an_existing_account_cannot_be_invited_again(
    world: World, django_capture_on_commit_callbacks
) -> None:
    response = client_for(world.coordinator).post(
        f"/annuaire/{world.gp.professional.pk}/invitation/", follow=True
    )
    assert "Un compte existe déjà avec cette adresse e-mail." in response.content.decode()
    assert mail.outbox == []


def test_a_forged_caregiver_id_answers_404_and_sends_nothing(
    world: World, django_capture_on_commit_callbacks
) -> None:
    client = client_for(world.coordinator)
    client.raise_request_exception = False
    other_caregiver = CaregiverFactory(patient=world.other)
    with django_capture_on_commit_callbacks(execute=True):
        for forged in ("abc", "", "1 OR 1=1", "²", str(other_caregiver.pk)):
            response = client.post(
                f"/patients/{world.own.pk}/invitation/caregiver/", {"id": forged}
            )
            assert response.status_code == 404, forged
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_the_account_page_fills_in_the_names_the_programme_knows(
    world: World, django_capture_on_commit_callbacks
) -> None:
    pro = ProfessionalFactory(email="lea@example.test", first_name="Léa", last_name="Roux")
    link = invited(world, django_capture_on_commit_callbacks, f"/annuaire/{pro.pk}/invitation/")
    form = Client().get(link).content.decode()
    assert 'value="Léa"' in form
    assert 'value="Roux"' in form

    caregiver = CaregiverFactory(patient=world.own, first_name="Odile", last_name="Petit")
    url = f"/patients/{world.own.pk}/invitation/caregiver/"
    link = invited(world, django_capture_on_commit_callbacks, url, {"id": caregiver.pk})
    form = Client().get(link).content.decode()
    assert 'value="Odile"' in form
    assert 'value="Petit"' in form


def test_the_password_rules_are_shown_before_any_attempt(
    world: World, django_capture_on_commit_callbacks
) -> None:
    world.own.user = None
    world.own.save()
    url = f"/patients/{world.own.pk}/invitation/patient/"
    form = Client().get(invited(world, django_capture_on_commit_callbacks, url)).content.decode()
    assert 'value="Marcel"' in form
    assert "<li>Votre mot de passe doit contenir au minimum 12 caractères.</li>" in form
    assert "entièrement numérique" in form


def test_a_password_made_of_the_login_is_refused(
    world: World, django_capture_on_commit_callbacks
) -> None:
    pro = ProfessionalFactory(email="jeanne.martin@example.test")
    link = invited(world, django_capture_on_commit_callbacks, f"/annuaire/{pro.pk}/invitation/")
    password = "jeanne.martin@example"
    response = Client().post(
        link,
        {"first_name": "J", "last_name": "M", "password1": password, "password2": password},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="jeanne.martin@example.test").exists()
