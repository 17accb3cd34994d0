"""The people of a patient's care, in FHIR: the patient, the professionals, their places in
the care team, the team, and the patient's consents."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from interop import systems
from interop.fhirtypes import Resource, coding, compact, concept, instant, period, ref
from patients.models import Caregiver, Consent, ConsentKind, ExitReason, Patient, PatientStatus
from teams.models import CareTeam, Membership, Profession, Professional

GENDER = {"F": "female", "M": "male"}

# The professions of the directory in the ANS nomenclature TRE_G15 (FR Core PractitionerRole.
# code). Those it does not list (APA teachers, ETP educators, "other"…) keep their label only.
_DOCTOR = ("10", "Médecin")
PROFESSION_G15: dict[str, tuple[str, str]] = {
    Profession.GP: _DOCTOR,
    Profession.CARDIOLOGIST: _DOCTOR,
    Profession.DIABETOLOGIST: _DOCTOR,
    Profession.NEPHROLOGIST: _DOCTOR,
    Profession.GERIATRICIAN: _DOCTOR,
    Profession.PULMONOLOGIST: _DOCTOR,
    Profession.PHARMACIST: ("21", "Pharmacien"),
    Profession.NURSE: ("60", "Infirmier"),
    Profession.PHYSIOTHERAPIST: ("70", "Masseur-Kinésithérapeute"),
    Profession.PODIATRIST: ("80", "Pédicure-Podologue"),
}

# The consents the scope reads: sharing within the team and the caregiver's delegation are
# about who reads the record (privacy); the others about taking part in the care.
_CONSENT_SCOPE = {
    ConsentKind.TEAM_SHARING: ("patient-privacy", "Privacy Consent"),
    ConsentKind.CAREGIVER_DELEGATION: ("patient-privacy", "Privacy Consent"),
    ConsentKind.PARTICIPATION: ("treatment", "Treatment"),
    ConsentKind.SIC_ATTENDANCE: ("treatment", "Treatment"),
}


def _identifier(system: str, type_code: str, value: str) -> Resource:
    return {
        "use": "official",
        "type": concept(coding(systems.FR_CORE_IDENTIFIER_TYPE, type_code)),
        "system": system,
        "value": value,
    }


def ins_identifier(nir: str) -> Resource:
    """The INS matricule: a NIR, or a NIA (waiting number, starting with 7 or 8)."""
    if nir[0] in "78":
        return _identifier(systems.INS_NIA, "INS-NIA", nir)
    return _identifier(systems.INS_NIR, "INS-NIR", nir)


def _telecom(phone: str, email: str, *extra: str) -> list[Resource]:
    points = [{"system": "phone", "value": phone}] if phone else []
    points += [{"system": "email", "value": e} for e in (email, *extra) if e]
    return points


def _address(line: str, postal_code: str, city: str) -> list[Resource]:
    address = compact({"line": [line] if line else [], "postalCode": postal_code, "city": city})
    return [address] if address else []


def patient(patient: Patient, *, gps: Iterable[Professional] = ()) -> Resource:
    """The patient included (patient inclus), identified by their INS when it is recorded;
    their GPs (médecins traitants) are the team's active GPs."""
    names = [{"use": "usual", "family": patient.last_name, "given": [patient.first_name]}]
    if patient.birth_name:
        born = {"use": "official", "family": patient.birth_name, "given": [patient.first_name]}
        names.append(born)
    else:
        names[0]["use"] = "official"
    resource: Resource = {
        "resourceType": "Patient",
        "id": str(patient.pk),
        "identifier": [ins_identifier(patient.nir)] if patient.nir else [],
        "active": patient.status != PatientStatus.EXITED,
        "name": names,
        "telecom": _telecom(patient.phone, patient.email),
        "gender": GENDER.get(patient.sex, "unknown"),
        "birthDate": patient.birth_date.isoformat(),
        "address": _address(patient.address, patient.postal_code, patient.city),
        "generalPractitioner": [ref("Practitioner", gp.pk, str(gp)) for gp in gps],
    }
    if patient.exit_reason == ExitReason.DEATH and patient.exit_date:
        resource["deceasedDateTime"] = patient.exit_date.isoformat()
    return compact(resource)


def practitioner_identifiers(professional: Professional) -> list[Resource]:
    if not professional.rpps:
        return []
    return [
        _identifier(systems.IDNAT_PS, "IDNPS", f"8{professional.rpps}"),
        _identifier(systems.RPPS, "RPPS", professional.rpps),
    ]


def practitioner(professional: Professional) -> Resource:
    """A professional of the directory (annuaire), with their national identifiers."""
    return compact(
        {
            "resourceType": "Practitioner",
            "id": str(professional.pk),
            "identifier": practitioner_identifiers(professional),
            "active": True,
            "name": [{"family": professional.last_name, "given": [professional.first_name]}],
            "telecom": _telecom(professional.phone, professional.email, professional.mssante_email),
            "address": _address(professional.address, professional.postal_code, professional.city),
        }
    )


def profession(professional: Professional) -> Resource:
    label = professional.get_profession_display()
    known = PROFESSION_G15.get(professional.profession)
    if known is None:
        return concept(text=label)
    return concept(coding(systems.PROFESSION_G15, *known), text=label)


def team_role(membership: Membership) -> Resource:
    label = membership.get_role_display()
    return concept(coding(systems.local_system("team-role"), membership.role, label), text=label)


def practitioner_role(membership: Membership) -> Resource:
    """A professional's place in one patient's care team: their role there, their
    profession, from when they joined to when they left."""
    pro = membership.professional
    resource: Resource = {
        "resourceType": "PractitionerRole",
        "id": str(membership.pk),
        "active": membership.left_at is None,
        "period": period(membership.joined_at, membership.left_at),
        "practitioner": ref("Practitioner", pro.pk, str(pro)),
        "code": [team_role(membership), profession(pro)],
    }
    if pro.organisation:
        resource["organization"] = {"display": pro.organisation}
    return compact(resource)


def care_team(team: CareTeam, memberships: Iterable[Membership]) -> Resource:
    """The care team (équipe de soins) around one patient: every member who ever joined it,
    each with their role and the period they were in it (those who left keep their row)."""
    participants = [
        compact(
            {
                "role": [team_role(m)],
                "member": ref("Practitioner", m.professional_id, str(m.professional)),
                "period": period(m.joined_at, m.left_at),
            }
        )
        for m in memberships
    ]
    return compact(
        {
            "resourceType": "CareTeam",
            "id": str(team.pk),
            "status": "inactive" if team.patient.status == PatientStatus.EXITED else "active",
            "name": _("Care team"),
            "subject": ref("Patient", team.patient_id),
            "period": period(team.created_at),
            "participant": participants,
        }
    )


def _caregiver_actor(caregiver: Caregiver) -> Resource:
    return {
        "role": concept(text=caregiver.relationship or _("caregiver")),
        "reference": {"display": f"{caregiver.first_name} {caregiver.last_name}"},
    }


def consent(consent: Consent) -> Resource:
    """A consent the patient gave (consentement), active until it is withdrawn; a
    delegation names the caregiver it is given to."""
    kind = ConsentKind(consent.kind)
    scope_code, scope_display = _CONSENT_SCOPE[kind]
    provision: Resource = {
        "type": "permit",
        "period": period(consent.given_at, consent.withdrawn_at),
    }
    if consent.caregiver is not None:
        provision["actor"] = [_caregiver_actor(consent.caregiver)]
    return compact(
        {
            "resourceType": "Consent",
            "id": str(consent.pk),
            "status": "active" if consent.withdrawn_at is None else "inactive",
            "scope": concept(coding(systems.CONSENT_SCOPE, scope_code, scope_display)),
            "category": [
                concept(coding(systems.LOINC, "59284-0", "Patient Consent")),
                concept(
                    coding(systems.local_system("consent-kind"), kind.value, kind.label),
                    text=kind.label,
                ),
            ],
            "patient": ref("Patient", consent.patient_id),
            "dateTime": instant(consent.given_at),
            "performer": [ref("Patient", consent.patient_id)],
            "policyRule": concept(coding(systems.ACT_CODE, "OPTIN", "opt-in")),
            "provision": compact(provision),
        }
    )
