import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

DEMO_HOMES = [
    ("admin@demo.test", "/gestion/"),
    ("coordinatrice@demo.test", "/coordination/"),
    ("medecin@demo.test", "/mes-patients/"),
    ("infirmiere@demo.test", "/mes-patients/"),
    ("pharmacien@demo.test", "/mes-patients/"),
    ("cardiologue@demo.test", "/mes-patients/"),
    ("diabetologue@demo.test", "/mes-patients/"),
    ("patient@demo.test", "/mon-dossier/"),
    ("aidant@demo.test", "/mon-dossier/"),
]


@pytest.fixture
def demo_data(demo):
    """The demo programme, seeded once for the module (tests/conftest.py)."""


@pytest.mark.django_db
@pytest.mark.parametrize(("email", "home"), DEMO_HOMES)
def test_it_lands_each_demo_account_on_its_home_page(demo_data, email, home):
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": email, "password": "labparcours-demo"}, follow=True
    )
    assert response.redirect_chain[-1][0] == home
    assert response.status_code == 200
    assert response.context["user"].email == email


@pytest.mark.django_db
def test_it_refuses_a_wrong_password_with_a_clear_french_message(demo_data):
    response = Client().post(
        reverse("account_login"), {"login": "medecin@demo.test", "password": "mauvais"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in Client().session
    content = response.content.decode()
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in content


@pytest.mark.django_db
def test_it_seeds_idempotently(demo_data):
    from labparcours.models import User
    from patients.models import Patient
    from teams.models import Membership

    before = (User.objects.count(), Patient.objects.count(), Membership.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Patient.objects.count(), Membership.objects.count()) == before
    assert Patient.objects.count() >= 12
    assert set(Patient.objects.values_list("pathway", flat=True)) >= {"ic", "dt2"}


@pytest.mark.django_db
def test_it_shows_the_limits_of_access_in_the_demo(demo_data):
    from labparcours.models import User
    from patients.models import Patient

    gp = User.objects.get(email="medecin@demo.test")
    visible = Patient.objects.visible_to(gp)
    assert 0 < visible.count() < Patient.objects.count()
    marcel = Patient.objects.get(user__email="patient@demo.test")
    roles = set(
        marcel.care_team.memberships.active().values_list("professional__user__email", flat=True)
    )
    assert roles >= {
        "medecin@demo.test",
        "infirmiere@demo.test",
        "pharmacien@demo.test",
        "cardiologue@demo.test",
    }
    aidant = User.objects.get(email="aidant@demo.test")
    assert list(Patient.objects.visible_to(aidant)) == [marcel]


@pytest.mark.parametrize(
    ("login", "password", "status"),
    [
        ("gp@example.test", "correct-horse-battery", 302),
        ("gp@example.test", "not-the-password", 200),
        ("nobody@example.test", "not-the-password", 200),
    ],
)
def test_a_login_runs_the_password_hasher_once_whatever_the_outcome(
    world, monkeypatch: pytest.MonkeyPatch, login: str, password: str, status: int
) -> None:
    """The hasher is the login's whole cost (a second at production's rounds): one backend
    checks the password, or hashes a dummy one when the login is unknown."""
    from django.contrib.auth.hashers import get_hasher

    hasher = type(get_hasher())
    runs: list[str] = []
    encode = hasher.encode
    monkeypatch.setattr(
        hasher, "encode", lambda self, *args, **kw: runs.append("hash") or encode(self, *args, **kw)
    )
    response = Client().post(reverse("account_login"), {"login": login, "password": password})
    assert response.status_code == status
    assert runs == ["hash"]
