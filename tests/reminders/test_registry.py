"""The kinds of reminder come from the domain apps: each registers its own, with the roles
that receive it; the `reminders` app names none but the one sent by hand."""

from pathlib import Path

from reminders import registry

ROOT = Path(__file__).resolve().parents[2]


def test_each_role_is_offered_the_kinds_it_may_receive() -> None:
    def keys(role: str) -> set[str]:
        return {kind.key for kind in registry.kinds_for(role)}

    assert keys("coordinator") == {
        "sic_due",
        "sic_overdue",
        "sic_to_record",
        "plan_unanswered",
        "team_incomplete",
        "care_waiting",
        "envelope_nearly_used",
        "care_unused",
        "plan_changes_requested",
        "contribution_submitted",
        "care_requested",
        "thread_message",
        "thread_mention",
        "followup_broken",
        "pathway_discharge",
        "pathway_death",
        "pathway_moved",
        "opinion_overdue",
        "opinion_answered",
    }
    assert keys("clinician") == {
        "sic_due",
        "sic_to_record",
        "contribution",
        "sic_tomorrow",
        "actions_late",
        "care_unused",
        "manual",
        "plan_in_force",
        "sic_invited",
        "sic_cancelled",
        "care_decided",
        "thread_message",
        "thread_mention",
        "followup_due",
        "pathway_discharge",
        "pathway_death",
        "pathway_moved",
        "opinion_asked",
        "opinion_due_soon",
        "opinion_answered",
    }
    patient_side = {
        "patient_form",
        "sic_tomorrow",
        "plan_to_answer",
        "actions_late",
        "manual",
        "plan_proposed",
        "plan_changes_answered",
        "sic_invited",
        "sic_cancelled",
        "thread_message",
    }
    assert keys("patient") == keys("caregiver") == patient_side
    assert keys("admin") == set()


def test_no_kind_is_named_in_the_reminders_app_but_the_manual_one() -> None:
    sources = "".join(path.read_text() for path in (ROOT / "reminders").glob("*.py"))
    named = {kind.key for kind in registry.kinds() if f'"{kind.key}"' in sources}
    assert named == {"manual"}
