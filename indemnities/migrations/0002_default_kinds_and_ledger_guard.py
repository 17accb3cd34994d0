"""The default kinds of indemnity, and on PostgreSQL the triggers that keep the ledger's tables
append-only whatever the door (the ORM refuses updates and deletes too, on every database)."""

from django.db import migrations

from labparcours.ledger import append_only_guard

DEFAULT_KINDS = (
    # code, label (French, as the admin reads it; editable), source, contribution kind
    ("gp_summary", "Synthèse du médecin traitant (mini topo)", "contribution", "gp_summary"),
    ("medication_review", "Bilan de médication", "contribution", "medication_review"),
    ("nursing_assessment", "Bilan infirmier approfondi", "contribution", "nursing_assessment"),
    ("specialist_opinion", "Avis du spécialiste", "contribution", "specialist_opinion"),
    ("sic_attendance", "Participation à la SIC", "attendance", ""),
    ("team_constitution", "Constitution de l'équipe", "other", ""),
    ("first_inclusion", "Première inclusion", "other", ""),
)


def add_kinds(apps, schema_editor):
    kind = apps.get_model("indemnities", "IndemnityKind")
    for position, (code, label, source, contribution_kind) in enumerate(DEFAULT_KINDS):
        kind.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "source": source,
                "contribution_kind": contribution_kind,
                "position": position,
            },
        )


def remove_kinds(apps, schema_editor):
    codes = [code for code, *_ in DEFAULT_KINDS]
    apps.get_model("indemnities", "IndemnityKind").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("indemnities", "0001_initial")]

    operations = [
        migrations.RunPython(add_kinds, remove_kinds),
        append_only_guard("indemnities_indemnityline"),
        append_only_guard("indemnities_lineapproval"),
        append_only_guard("indemnities_batchline"),
    ]
