"""The contribution forms as FHIR questionnaires, and each contribution as the response to
its form. Both are read from the forms of the pages (`sic.forms`): one definition of what a
contribution asks, whichever door it is read through."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms

from interop import systems
from interop.fhirtypes import Resource, compact, instant, ref
from sic.forms import FORM_OF_KIND, MeasureField
from sic.models import Contribution, ContributionKind, ContributionStatus, SicStatus


@dataclass(frozen=True)
class Question:
    """One item of a questionnaire: a field of the form, a measure, or a table of rows
    (a repeating group whose columns are its questions)."""

    link_id: str
    text: str
    type: str
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()
    children: tuple[Question, ...] = field(default=())


def questionnaire_id(kind: str) -> str:
    """A FHIR id has no underscore: gp_summary is Questionnaire/gp-summary."""
    return kind.replace("_", "-")


def kind_of(questionnaire: str) -> str | None:
    """The kind a questionnaire's id names (gp-summary), None for any other id."""
    kind = questionnaire.replace("-", "_")
    if "_" in questionnaire or kind not in ContributionKind.values:
        return None
    return kind


def questionnaire_url(kind: str) -> str:
    return f"{systems.base_url()}/Questionnaire/{questionnaire_id(kind)}"


def _type(form_field: forms.Field) -> str:
    if isinstance(form_field, forms.ChoiceField):
        return "choice"
    if isinstance(form_field, forms.DateField):
        return "date"
    # Before IntegerField: Django's DecimalField is one.
    if isinstance(form_field, MeasureField):
        return "decimal" if form_field.measure.decimals else "integer"
    if isinstance(form_field, forms.DecimalField):
        return "decimal"
    if isinstance(form_field, forms.IntegerField):
        return "integer"
    return "text" if isinstance(form_field.widget, forms.Textarea) else "string"


def _question(link_id: str, form_field: forms.Field, text: object = None) -> Question:
    options: tuple[tuple[str, str], ...] = ()
    if isinstance(form_field, forms.ChoiceField):
        choices = cast(list[tuple[Any, Any]], form_field.choices)
        options = tuple((str(code), str(label)) for code, label in choices if code != "")
    return Question(
        link_id=link_id,
        text=str(text if text is not None else form_field.label),
        type=_type(form_field),
        required=form_field.required,
        options=options,
    )


def questions(kind: str) -> list[Question]:
    """What the form of `kind` asks, in the page's order: its fields, its measures (those of
    every pathway), its tables."""
    form = FORM_OF_KIND[kind](draft=False)
    found = [_question(name, form.fields[name]) for name in form.declared]
    found += [_question(m.key, form.fields[m.key]) for m in form.measures]
    for rows in form.row_sets:
        columns = tuple(
            _question(c.name, c.field(label=c.label, required=False), c.label) for c in rows.columns
        )
        found.append(Question(rows.key, str(rows.title), "group", children=columns))
    return found


def _item(question: Question) -> Resource:
    item: Resource = {"linkId": question.link_id, "text": question.text, "type": question.type}
    if question.required:
        item["required"] = True
    if question.options:
        item["answerOption"] = [
            {"valueCoding": {"code": code, "display": label}} for code, label in question.options
        ]
    if question.children:
        item["repeats"] = True
        item["item"] = [_item(child) for child in question.children]
    return item


def questionnaire(kind: str) -> Resource:
    """The form of one kind of contribution (mini topo, bilan de médication…), published at
    its canonical URL."""
    label = ContributionKind(kind).label
    return {
        "resourceType": "Questionnaire",
        "id": questionnaire_id(kind),
        "url": questionnaire_url(kind),
        "name": "".join(part.title() for part in kind.split("_")),
        "title": str(label),
        "status": "active",
        "subjectType": ["Patient"],
        "item": [_item(q) for q in questions(kind)],
    }


def _answer(question: Question, value: Any) -> Resource | None:
    """One answer in the question's type; None for a value it cannot carry (left out)."""
    if value is None or value == "":
        return None
    if question.type == "choice":
        label = dict(question.options).get(str(value), str(value))
        return {"valueCoding": {"code": str(value), "display": label}}
    try:
        if question.type == "integer":
            return {"valueInteger": int(Decimal(str(value)))}
        if question.type == "decimal":
            # JSON numbers: FHIR decimals are written as numbers, never as text.
            return {"valueDecimal": float(Decimal(str(value)))}
    except (InvalidOperation, ValueError):
        return None
    if question.type == "date":
        return {"valueDate": str(value)}
    return {"valueString": str(value)}


def _answered(question: Question, value: Any) -> list[Resource]:
    if question.children:
        rows = value if isinstance(value, list) else []
        found = []
        for row in rows:
            if not isinstance(row, dict):
                continue
            inner = [i for c in question.children for i in _answered(c, row.get(c.link_id))]
            if inner:
                found.append({"linkId": question.link_id, "text": question.text, "item": inner})
        return found
    answer = _answer(question, value)
    if answer is None:
        return []
    return [{"linkId": question.link_id, "text": question.text, "answer": [answer]}]


def answers(kind: str, content: dict[str, Any]) -> list[Resource]:
    """The content's answers to the form's questions, in their order; what the form no longer
    asks (a field typed before it was structured) is not an answer to it."""
    return [item for q in questions(kind) for item in _answered(q, content.get(q.link_id))]


def _author(contribution: Contribution, patient_user_id: object) -> Resource:
    author = contribution.author
    professional = getattr(author, "professional", None)
    if professional is not None:
        return ref("Practitioner", professional.pk, str(professional))
    if author.pk == patient_user_id:
        return ref("Patient", contribution.sic.patient_id)
    return {"display": author.get_full_name() or str(author.get_role_display())}


def questionnaire_response(contribution: Contribution, *, patient_user_id: object) -> Resource:
    """A contribution to a SIC (or the patient's experience form), as the response to the
    questionnaire of its kind: completed once submitted, in progress while a draft."""
    sic = contribution.sic
    submitted = contribution.status == ContributionStatus.SUBMITTED
    resource: Resource = {
        "resourceType": "QuestionnaireResponse",
        "id": str(contribution.pk),
        "questionnaire": questionnaire_url(contribution.kind),
        "status": "completed" if submitted else "in-progress",
        "subject": ref("Patient", sic.patient_id),
        "authored": instant(contribution.submitted_at or contribution.updated_at),
        "author": _author(contribution, patient_user_id),
        "item": answers(contribution.kind, contribution.content or {}),
    }
    if sic.status == SicStatus.HELD:
        resource["encounter"] = ref("Encounter", sic.pk)
    return compact(resource)


def questionnaires() -> Iterable[Resource]:
    return (questionnaire(kind) for kind in ContributionKind.values)
