from careplans.models import ActionStatus, PlanStatus
from tests.conftest import World, client_for
from tests.factories import PatientFactory, full_team, make_plan


def test_a_member_sees_their_actions_across_patients_and_marks_one_done(world: World) -> None:
    make_plan(world, status=PlanStatus.VALIDATED)
    second = PatientFactory(coordinator=world.coordinator, last_name="Haddou")
    full_team(second, nurse=world.nurse.professional)
    make_plan(world, second, status=PlanStatus.VALIDATED)
    page = client_for(world.nurse).get("/mes-actions/").content.decode()
    assert page.count("Pesée trois fois par semaine") == 2
    assert "HADDOU" in page
    assert "Marcher 20 minutes" not in page  # the patient's action, not the nurse's
    action = world.own.care_plans.get().actions.get(what__startswith="Pesée")
    response = client_for(world.nurse).post(f"/actions/{action.pk}/statut/", {"status": "done"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.done_at is not None


def test_a_member_cannot_follow_someone_elses_action(world: World) -> None:
    plan = make_plan(world, status=PlanStatus.VALIDATED)
    action = plan.actions.get(what__startswith="Pesée")
    assert (
        client_for(world.pharmacist)
        .post(f"/actions/{action.pk}/statut/", {"status": "done"})
        .status_code
        == 403
    )
    assert (
        client_for(world.former_member)
        .post(f"/actions/{action.pk}/statut/", {"status": "done"})
        .status_code
        == 404
    )


def test_no_redirect_outside_the_site(world: World) -> None:
    plan = make_plan(world, status=PlanStatus.VALIDATED)
    action = plan.actions.get(what__startswith="Pesée")
    response = client_for(world.nurse).post(
        f"/actions/{action.pk}/statut/", {"status": "done", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/mes-actions/"


def test_it_hides_the_actions_of_a_patient_who_withdrew_team_sharing(world: World) -> None:
    from labparcours.models import AccessLogEntry
    from patients.models import ConsentKind

    make_plan(world, status=PlanStatus.VALIDATED)
    world.own.consents.get(kind=ConsentKind.TEAM_SHARING).withdraw()
    page = client_for(world.nurse).get("/mes-actions/").content.decode()
    assert "Pesée trois fois par semaine" not in page
    assert world.own.last_name.upper() not in page
    assert not AccessLogEntry.objects.filter(user=world.nurse, patient=world.own).exists()


def test_it_hides_the_actions_of_a_member_who_left_the_team(world: World) -> None:
    make_plan(world, status=PlanStatus.VALIDATED)
    world.own.care_team.memberships.get(professional__user=world.nurse).leave()
    page = client_for(world.nurse).get("/mes-actions/").content.decode()
    assert "Pesée trois fois par semaine" not in page


def test_an_exited_patient_leaves_my_actions_but_their_history_stays_readable(
    world: World,
) -> None:
    make_plan(world, status=PlanStatus.VALIDATED)
    world.own.exit(reason="moved")
    nurse = client_for(world.nurse)
    page = nurse.get("/mes-actions/").content.decode()
    assert "Pesée trois fois par semaine" not in page
    assert nurse.get(f"/patients/{world.own.pk}/plans/").status_code == 200
