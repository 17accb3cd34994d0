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
    }
    assert keys("clinician") == {
        "sic_due",
        "sic_to_record",
        "contribution",
        "sic_tomorrow",
        "actions_late",
        "care_unused",
        "manual",
    }
    patient_side = {"patient_form", "sic_tomorrow", "plan_to_answer", "actions_late", "manual"}
    assert keys("patient") == keys("caregiver") == patient_side
    assert keys("admin") == set()


def test_no_kind_is_named_in_the_reminders_app_but_the_manual_one() -> None:
    sources = "".join(path.read_text() for path in (ROOT / "reminders").glob("*.py"))
    named = {kind.key for kind in registry.kinds() if f'"{kind.key}"' in sources}
    assert named == {"manual"}
