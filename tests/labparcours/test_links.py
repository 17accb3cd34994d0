"""A link made by `page` is the link `reverse` makes: the path is reversed once per page name,
then filled in for each row of a list (or each reminder of a rule)."""

import uuid

import pytest
from django.urls import reverse

from labparcours.links import page
from sic.models import ContributionKind


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("sic:detail", (12,)),
        ("sic:contribute", (12, "gp")),
        ("careplans:detail", (3,)),
        ("careplans:my_plan", ()),
        ("patients:my_record", ()),
        ("patients:detail", (uuid.UUID("0c51e5ed-2b4b-4f0e-a419-4677aa2fd7d0"),)),
        ("teams:team", (uuid.uuid4(),)),
        ("sic:contribute", (7, ContributionKind.PATIENT_EXPERIENCE)),
        ("threads:thread", (uuid.uuid4(), "equipe")),
    ],
)
def test_a_page_link_made_once_is_the_link_reverse_makes(name: str, args: tuple) -> None:
    assert page(name, *args) == reverse(name, args=args)
    assert page(name, *args) == reverse(name, args=args)  # from the template this time
