"""Shared helpers for validating foreign payloads with pydantic and reporting one-line 422s."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from firstresponder.intake.errors import IntakeError

ModelT = TypeVar("ModelT", bound=BaseModel)


def validate_foreign(model: type[ModelT], payload: Any, what: str) -> ModelT:
    """``model.model_validate(payload)``, a ValidationError becoming IntakeError(422) naming the first field."""
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        raise IntakeError(422, f"{what}: {first_error(error)}") from None


def first_error(error: ValidationError) -> str:
    """``loc: message`` of the first validation error (and how many more)."""
    errors = error.errors(include_url=False, include_input=False)
    if not errors:
        return "invalid"
    first = errors[0]
    location = ".".join(str(part) for part in first.get("loc", ())) or "(root)"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{location}: {first.get('msg', 'invalid')}{more}"
