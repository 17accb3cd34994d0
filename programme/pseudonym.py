"""Pseudonyms for the external evaluators: a keyed hash (HMAC-SHA256) of a patient record's
id, with a key of the settings (`LABPARCOURS_PSEUDONYM_KEY`) that is never exported. The same
patient gets the same pseudonym in every export made with the same key; without the key
nobody can go back from a pseudonym to the patient, nor compute the pseudonym of a patient."""

from __future__ import annotations

import hashlib
import hmac
import uuid

from django.conf import settings
from django.core import checks

from labparcours.errors import DomainError


class PseudonymKeyMissing(DomainError):
    code = "pseudonym_key_missing"


def pseudonym_key() -> bytes:
    key = settings.LABPARCOURS_PSEUDONYM_KEY
    if not key:
        raise PseudonymKeyMissing(
            "LABPARCOURS_PSEUDONYM_KEY is not set: the evaluators' export is refused."
        )
    return key.encode()


def pseudonym(patient_id: uuid.UUID | str, key: bytes) -> str:
    return hmac.new(key, str(patient_id).encode(), hashlib.sha256).hexdigest()


def check_pseudonym_key(**kwargs: object) -> list[checks.CheckMessage]:
    """Said at start-up: without the key, the export is refused until it is set."""
    if settings.LABPARCOURS_PSEUDONYM_KEY or settings.DEBUG:
        return []
    return [
        checks.Warning(
            "LABPARCOURS_PSEUDONYM_KEY is not set: the evaluators' pseudonymised export is "
            "refused until it is (a long random secret, kept out of every export).",
            id="programme.W001",
        )
    ]
