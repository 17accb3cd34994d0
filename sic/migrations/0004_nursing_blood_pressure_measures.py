"""The nurse's blood pressure, typed as text ("128/76"), becomes two measures in mmHg
(`bp_systolic`, `bp_diastolic`) that the clinical view follows across SICs. A text that does
not read as a plausible pressure is kept as it was typed (the page shows it as such)."""

import re

from django.db import migrations

PRESSURE = re.compile(r"^\s*(\d{1,3})\s*/\s*(\d{1,3})\s*(?:mm\s*hg)?\s*$", re.IGNORECASE)
SYSTOLIC, DIASTOLIC = (60, 260), (30, 160)


def read_pressure(text):
    """(systolic, diastolic) in mmHg, or None. "13/8" is the French shorthand in cmHg."""
    match = PRESSURE.match(text) if isinstance(text, str) else None
    if match is None:
        return None
    systolic, diastolic = int(match[1]), int(match[2])
    if systolic <= 30 and diastolic <= 20:
        systolic, diastolic = systolic * 10, diastolic * 10
    plausible = (
        SYSTOLIC[0] <= systolic <= SYSTOLIC[1]
        and DIASTOLIC[0] <= diastolic <= DIASTOLIC[1]
        and diastolic < systolic
    )
    return (systolic, diastolic) if plausible else None


def split_blood_pressure(apps, schema_editor):
    Contribution = apps.get_model("sic", "Contribution")
    rows = Contribution.objects.filter(kind="nursing_assessment").only("pk", "content")
    for row in rows.iterator():
        content = row.content if isinstance(row.content, dict) else {}
        pressure = read_pressure(content.get("blood_pressure"))
        if pressure is None:
            continue
        content = {k: v for k, v in content.items() if k != "blood_pressure"}
        content["bp_systolic"], content["bp_diastolic"] = pressure
        Contribution.objects.filter(pk=row.pk).update(content=content)


def join_blood_pressure(apps, schema_editor):
    Contribution = apps.get_model("sic", "Contribution")
    rows = Contribution.objects.filter(kind="nursing_assessment").only("pk", "content")
    for row in rows.iterator():
        content = row.content if isinstance(row.content, dict) else {}
        if "bp_systolic" not in content or "bp_diastolic" not in content:
            continue
        content = dict(content)
        systolic, diastolic = content.pop("bp_systolic"), content.pop("bp_diastolic")
        content["blood_pressure"] = f"{systolic}/{diastolic}"
        Contribution.objects.filter(pk=row.pk).update(content=content)


class Migration(migrations.Migration):
    dependencies = [
        ("sic", "0003_sic_page_orders"),
    ]

    operations = [
        migrations.RunPython(split_blood_pressure, join_blood_pressure),
    ]
