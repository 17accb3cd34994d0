"""The identifier systems and code systems the FHIR resources use, named once.

French national identifiers follow the ANS / Interop'Santé « FR Core » implementation guide
(https://hl7.fr/ig/fhir/core): its Patient-INS profile (`fr-core-patient-ins`) slices the
INS by system, its Practitioner profile (`fr-core-practitioner`) gives the national
professional identifier (idNatPs) and the RPPS number each their own slice, and its
identifier types come from `fr-core-cs-v2-0203`.
"""

from __future__ import annotations

from django.conf import settings

# --- Identifiers ------------------------------------------------------------------------------

# INS matricule: the NIR (numéro d'inscription au répertoire) of a person born or registered in
# France, or their NIA (numéro d'identification d'attente) while it is being registered. FR Core
# Patient-INS: slice INS-NIR `urn:oid:1.2.250.1.213.1.4.8`, slice INS-NIA `…4.9`.
INS_NIR = "urn:oid:1.2.250.1.213.1.4.8"
INS_NIA = "urn:oid:1.2.250.1.213.1.4.9"
# The national professional identifier (IdNatPs = "8" + RPPS for an RPPS professional): FR Core
# Practitioner, slice idNatPs, system `urn:oid:1.2.250.1.71.4.2.1`, type IDNPS.
IDNAT_PS = "urn:oid:1.2.250.1.71.4.2.1"
# The RPPS number itself (11 digits): FR Core Practitioner, slice rpps, system
# `https://rpps.esante.gouv.fr`, type RPPS.
RPPS = "https://rpps.esante.gouv.fr"
# FR Core's identifier types (INS-NIR, INS-NIA, IDNPS, RPPS…).
FR_CORE_IDENTIFIER_TYPE = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203"

# --- Terminologies ----------------------------------------------------------------------------

# ANS nomenclature of health professions (TRE_G15), as FR Core's PractitionerRole.code uses it.
PROFESSION_G15 = (
    "https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante"
)
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OPERATION_EVERYTHING = "http://hl7.org/fhir/OperationDefinition/Patient-everything"

FHIR_VERSION = "4.0.1"
MEDIA_TYPE = "application/fhir+json"
# What every answer says it is: FHIR JSON, of release 4 (the media type's `fhirVersion`
# parameter names the release by its major.minor).
CONTENT_TYPE = f"{MEDIA_TYPE}; fhirVersion=4.0"


def base_url() -> str:
    """The service base of this server: resources' full URLs and the canonical URLs of what
    it defines (its questionnaires, its own code systems) start from it."""
    return f"{settings.SITE_URL}/fhir"


def local_system(name: str) -> str:
    """A code system of this programme (a team role, a consent's kind): no national
    terminology has these codes."""
    return f"{base_url()}/CodeSystem/{name}"
