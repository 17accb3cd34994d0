"""The pharmacist's medication review: as many rows as the patient takes medications, each
input labelled, and the list of the last SIC offered as the starting point."""

import re
from html.parser import HTMLParser

from sic.models import Contribution
from sic.services import sic_ensure_planned, sic_schedule
from tests.conftest import World, client_for, soon
from tests.factories import hold, started

FIFTEEN = [(f"Médicament n°{i + 1}", f"{(i + 1) * 5} mg") for i in range(15)]
TEXTS = {"interactions": "Aucune", "problems": "Oublis", "recommendations": "Pilulier"}


def rows_posted(medications: list[tuple[str, str]]) -> dict[str, str]:
    data = {}
    for i, (name, dose) in enumerate(medications):
        data |= {f"med_{i}_name": name, f"med_{i}_dose": dose, f"med_{i}_adherence": "good"}
    return data


def url(sic) -> str:
    return f"/sic/{sic.pk}/contribution/medication_review/"


class Inputs(HTMLParser):
    """The inputs and selects of the medication table, and the `for` of its labels."""

    def __init__(self) -> None:
        super().__init__()
        self.inside, self.inputs, self.labels = False, [], set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == "medications":
            self.inside = True
        elif self.inside and tag in ("input", "select"):
            self.inputs.append(attrs)
        elif self.inside and tag == "label":
            self.labels.add(attrs.get("for"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False


def table_inputs(html: str) -> Inputs:
    parser = Inputs()
    parser.feed(html)
    return parser


def test_a_review_of_fifteen_medications_is_saved_and_shown_back(world: World, sics) -> None:
    pharmacist = client_for(world.pharmacist)
    response = pharmacist.post(url(sics["own"]), {**rows_posted(FIFTEEN), **TEXTS, "submit": "1"})
    assert response.status_code == 302
    review = Contribution.objects.get()
    assert [(m["name"], m["dose"]) for m in review.content["medications"]] == FIFTEEN
    page = client_for(world.gp).get(f"/contributions/{review.pk}/").content.decode()
    for name, dose in FIFTEEN:
        assert f"<td>{name}</td><td>{dose}</td>" in page
    again = pharmacist.get(url(sics["own"])).content.decode()
    inputs = table_inputs(again).inputs
    names = [i.get("value") for i in inputs if re.fullmatch(r"med_\d+_name", i["name"])]
    assert names == [name for name, _ in FIFTEEN] + [None]  # and an empty row for the next


def test_the_api_takes_fifteen_medications_too(world: World, sics) -> None:
    medications = [{"name": n, "dose": d, "adherence": "good"} for n, d in FIFTEEN]
    response = client_for(world.pharmacist).post(
        f"/api/v1/sics/{sics['own'].pk}/contributions/",
        {"kind": "medication_review", "content": {"medications": medications, **TEXTS}},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert len(response.json()["content"]["medications"]) == 15


def test_add_a_row_posts_the_form_back_with_one_more_row_and_saves_nothing(
    world: World, sics
) -> None:
    three = FIFTEEN[:3]
    response = client_for(world.pharmacist).post(
        url(sics["own"]), {**rows_posted(three), "interactions": "Aucune", "add_med": "1"}
    )
    assert response.status_code == 200
    assert not Contribution.objects.exists()
    inputs = table_inputs(response.content.decode()).inputs
    names = [i.get("value") for i in inputs if re.fullmatch(r"med_\d+_name", i["name"])]
    assert names == [name for name, _ in three] + [None]
    assert response.context["form"]["interactions"].value() == "Aucune"
    assert not response.context["form"].errors  # nothing was submitted yet


def test_every_input_of_the_table_has_a_label(world: World, sics) -> None:
    page = client_for(world.pharmacist).get(url(sics["own"])).content.decode()
    parser = table_inputs(page)
    assert len(parser.inputs) == 9  # three rows to start with
    assert {i["id"] for i in parser.inputs} <= parser.labels
    assert '<label class="sr-only" for="id_med_2_dose">Posologie — Médicament 3</label>' in page


def previous_review(world: World) -> None:
    """The own patient's last SIC, held, with a submitted review; the next one scheduled."""
    sic = started(sic_schedule(sic=sic_ensure_planned(patient=world.own), at=soon()))
    Contribution.objects.create(
        sic=sic,
        kind="medication_review",
        author=world.pharmacist,
        entered_by=world.pharmacist,
        content={
            "medications": [
                {"name": "Furosémide", "dose": "40 mg matin", "adherence": "partial"},
                {"name": "Bisoprolol", "dose": "5 mg", "adherence": "good"},
            ],
            **TEXTS,
        },
        status="submitted",
        submitted_at=sic.scheduled_at,
    )
    hold(sic, by=world.coordinator)


def test_a_new_review_starts_from_the_list_of_the_last_sic(world: World) -> None:
    previous_review(world)
    upcoming = sic_schedule(sic=sic_ensure_planned(patient=world.own), at=soon())
    response = client_for(world.pharmacist).get(url(upcoming))
    form = response.context["form"]
    assert (form["med_0_name"].value(), form["med_0_dose"].value()) == (
        "Furosémide",
        "40 mg matin",
    )
    assert form["med_1_name"].value() == "Bisoprolol"
    assert not form["med_0_adherence"].value()  # assessed anew
    assert "Prérempli avec la liste de la dernière SIC (tenue le" in response.content.decode()
    # Once the pharmacist saved their own, theirs is what the form shows.
    client_for(world.pharmacist).post(
        url(upcoming), {**rows_posted([("Bisoprolol", "7,5 mg")]), "draft": "1"}
    )
    again = client_for(world.pharmacist).get(url(upcoming))
    assert again.context["form"]["med_0_name"].value() == "Bisoprolol"
    assert "Prérempli" not in again.content.decode()


def test_nothing_is_prefilled_without_a_review_of_a_held_sic(world: World, sics) -> None:
    response = client_for(world.pharmacist).get(url(sics["own"]))
    assert response.context["prefilled_from"] is None
    assert not response.context["form"]["med_0_name"].value()
