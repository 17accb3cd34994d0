"""Every template's `{% url %}` is the project's (labparcours.templatetags.paths): the link
Django's tag makes, from a path made once, and Django's own answer wherever it does not fill
a path (keyword arguments, text, a name or arguments that match no page)."""

from __future__ import annotations

import uuid

import pytest
from django.template import Context, Engine, engines
from django.template.defaulttags import URLNode
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from labparcours.templatetags.paths import PathNode

PATIENT = uuid.UUID("0c51e5ed-2b4b-4f0e-a419-4677aa2fd7d0")


def rendered(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


def test_the_projects_templates_parse_url_with_the_projects_tag() -> None:
    template = engines["django"].from_string("{% url 'sic:detail' 3 %}")
    assert [type(node) for node in template.template.nodelist] == [PathNode]


@pytest.mark.parametrize(
    ("source", "name", "args", "kwargs"),
    [
        ("{% url 'sic:detail' 12 %}", "sic:detail", (12,), {}),
        ("{% url 'patients:detail' p %}", "patients:detail", (PATIENT,), {}),
        ("{% url 'careplans:my_plan' %}", "careplans:my_plan", (), {}),
        ("{% url 'sic:contribute' 7 'gp_summary' %}", "sic:contribute", (7, "gp_summary"), {}),
        ("{% url 'sic:detail' pk=12 %}", "sic:detail", (), {"pk": 12}),
        ("{% url 'sic:detail' '12' %}", "sic:detail", ("12",), {}),
    ],
)
def test_a_link_is_the_link_djangos_tag_makes(source: str, name: str, args, kwargs) -> None:
    assert rendered(source, p=PATIENT) == reverse(name, args=args, kwargs=kwargs)
    assert rendered(source, p=PATIENT) == reverse(name, args=args, kwargs=kwargs)  # made once


def test_as_a_variable_and_escaped_as_djangos_tag() -> None:
    assert rendered("{% url 'sic:detail' 4 as link %}<a href='{{ link }}'>") == (
        f"<a href='{reverse('sic:detail', args=[4])}'>"
    )
    # A name that matches nothing: nothing with `as`, an error without, as Django does.
    assert rendered("{% url 'sic:nowhere' 4 as link %}[{{ link }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        rendered("{% url 'sic:nowhere' 4 %}")


@pytest.mark.parametrize("arg", [-3, True, 2.5, None])
def test_what_is_not_an_id_goes_through_djangos_tag(arg: object) -> None:
    django_alone = Engine(libraries={}).from_string("{% url 'sic:detail' a %}")
    assert isinstance(django_alone.nodelist[0], URLNode)
    try:
        expected: str | type[Exception] = django_alone.render(Context({"a": arg}))
    except NoReverseMatch:
        expected = NoReverseMatch
    if expected is NoReverseMatch:
        with pytest.raises(NoReverseMatch):
            rendered("{% url 'sic:detail' a %}", a=arg)
    else:
        assert rendered("{% url 'sic:detail' a %}", a=arg) == expected


def test_a_value_a_path_cannot_take_is_refused_as_django_refuses_it() -> None:
    with pytest.raises(NoReverseMatch):
        rendered("{% url 'patients:detail' 12 %}")  # a patient's path takes a UUID


def test_no_namespace_is_installed_twice() -> None:
    """Django's tag passes the page's namespace as `current_app`, which only matters when a
    namespace has several instances; the project's tag does not, so there must be none."""

    def instances(patterns: list, found: dict[str, list[str]]) -> dict[str, list[str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name:
                    found.setdefault(pattern.app_name, []).append(pattern.namespace)
                instances(pattern.url_patterns, found)
            else:
                assert isinstance(pattern, URLPattern)
        return found

    found = instances(get_resolver().url_patterns, {})
    assert found, "the URL conf has namespaces"
    assert {app: names for app, names in found.items() if len(names) > 1} == {}
