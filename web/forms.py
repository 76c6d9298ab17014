"""Forms made from the API's own request bodies: a form's fields are the body's fields,
named as the API names them (`amount`, `reference`, `received_on`, …; nested ones
`customer.name`, `lines.0.quantity`), and what a person types is checked by the very same
model. Refusals are placed beside the field they concern, in the page's language, from
their `code`."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from api.fields import is_free_text

FORM = "_form"  # where a refusal that concerns no single field is shown
# Refusals that concern one field of the form they came from.
FIELD_OF_CODE = {
    "overpayment": "amount",
    "over_shipment": "amount",
    "over_invoicing": "amount",
    "refund_exceeds_collected": "amount",
    "duplicate_payment": "reference",
    "duplicate_invoice": "invoice_no",
    "duplicate_number": "number",
    "step_not_required": "step",
    "already_approved": "step",
}
_LOCAL_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # money, decimal, date, moment, text, line, choice, check, whole, group, rows
    required: bool
    choices: tuple[str, ...] = ()
    model: type[BaseModel] | None = None  # of a group (one nested body) or rows (a list)

    @property
    def fields(self) -> list[Field]:
        """A group's own fields."""
        return fields_of(self.model) if self.model is not None else []


def fields_of(model: type[BaseModel]) -> list[Field]:
    return [_field(name, info) for name, info in model.model_fields.items()]


def _field(name: str, info: Any) -> Field:
    plain = _plain(info.annotation)
    required = info.is_required()
    if typing.get_origin(plain) is list:
        return Field(name, "rows", required, model=_plain(typing.get_args(plain)[0]))
    if isinstance(plain, type) and issubclass(plain, BaseModel):
        return Field(name, "group", required, model=plain)
    if typing.get_origin(plain) is Literal:
        return Field(name, "choice", required, tuple(typing.get_args(plain)))
    if plain is Decimal:
        return Field(name, "decimal" if name == "quantity" else "money", required)
    kind = {date: "date", datetime: "moment", bool: "check", int: "whole"}.get(plain)
    return Field(name, kind or ("text" if is_free_text(info) else "line"), required)


def _plain(annotation: Any) -> Any:
    """The type under `X | None` and `Annotated[X, ...]`."""
    while True:
        if typing.get_origin(annotation) in (typing.Union, types.UnionType):
            annotation = next(arg for arg in typing.get_args(annotation) if arg is not type(None))
        elif typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


def read(
    model: type[BaseModel], form: Mapping[str, str], zone: ZoneInfo
) -> tuple[Any | None, dict[str, str]]:
    """The body the form describes, or the fields it gets wrong (name → error code)."""
    try:
        return model.model_validate(_body(model, form, "", zone)), {}
    except ValidationError as error:
        return None, {
            ".".join(map(str, problem["loc"])) or FORM: (
                "required" if problem["type"] == "missing" else "invalid_input"
            )
            for problem in error.errors()
        }


def _body(model: type[BaseModel], form: Mapping[str, str], prefix: str, zone: ZoneInfo) -> dict:  # type: ignore[type-arg]
    body: dict[str, Any] = {}
    for field in fields_of(model):
        name = prefix + field.name
        if field.kind == "group":
            group = _body(field.model, form, f"{name}.", zone)  # type: ignore[arg-type]
            if any(value not in (None, "", False) for value in group.values()) or field.required:
                body[field.name] = group
        elif field.kind == "rows":
            rows = [
                _body(field.model, form, f"{name}.{n}.", zone) for n in _row_numbers(form, name)
            ]  # type: ignore[arg-type]
            if rows := [row for row in rows if row]:
                body[field.name] = rows
        elif field.kind == "check":
            body[field.name] = form.get(name, "") in ("on", "true", "1")
        elif form.get(name, "").strip():
            body[field.name] = _value(field, form[name], zone)
    return body


def _row_numbers(form: Mapping[str, str], name: str) -> list[int]:
    found = {
        int(m[1]) for key in form if (m := re.fullmatch(rf"{re.escape(name)}\.(\d+)\..+", key))
    }
    return sorted(found)


def _value(field: Field, raw: str, zone: ZoneInfo) -> Any:
    text = raw.strip()
    if field.kind == "whole" and text.isdigit():
        return int(text)
    if field.kind == "moment" and _LOCAL_MOMENT.fullmatch(text):
        return datetime.fromisoformat(text).replace(tzinfo=zone).isoformat()  # as shown
    if field.kind == "text":
        return raw.replace("\r\n", "\n").strip()
    return text


def refusal_field(code: str, model: type[BaseModel]) -> str:
    """Which field of the form a refusal concerns: by its code, a date order to the
    form's date, anything else to the form as a whole."""
    fields = fields_of(model)
    if code == "date_out_of_order":
        return next((field.name for field in fields if field.kind == "date"), FORM)
    named = FIELD_OF_CODE.get(code, FORM)
    return named if named in {field.name for field in fields} else FORM
