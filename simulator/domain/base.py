"""Shared model configuration and small types."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", min_length=1, max_length=80),
]
"""An id: lower case letters, digits, `-` and `_` (for example `bar-raiser`, `delivery_metrics`)."""

NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Model(BaseModel):
    """Base for content files: a typo in a key is an error, not silence."""

    model_config = ConfigDict(extra="forbid", frozen=False, populate_by_name=True)


PositiveInt = Annotated[int, Field(gt=0)]
