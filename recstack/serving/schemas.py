"""Request and response bodies of the HTTP service (pydantic), kept apart: a request
schema says what a client may send, bounded everywhere; a response schema what it gets.

The hard caps below are what the OpenAPI schema declares; the settings may lower them
(:class:`recstack.serving.settings.ServiceSettings`), never raise them. Ids travel as
strings: a model trained on integer ids is asked with their decimal text (``"42"``).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

#: the most items one list may ask for
MAX_K = 1000
#: the most items a new visitor may post
MAX_ITEMS = 500
#: the most events one POST may carry
MAX_EVENTS = 1000
#: the longest id (user or item) in characters
MAX_ID_LENGTH = 128
#: the largest request body in bytes (answered 413 beyond it)
MAX_BODY_BYTES = 1 << 20
#: the longest title search text
MAX_QUERY_LENGTH = 200

Id = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID_LENGTH)]
Money = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- requests
class NewUserRequest(_Request):
    """A new visitor known only by the items they chose (cold start)."""

    items: list[Id] = Field(min_length=1, max_length=MAX_ITEMS)
    k: int = Field(default=20, ge=1, le=MAX_K)


class Event(_Request):
    """One impression, click or purchase. ``timestamp``: seconds since 1970 (UTC)."""

    event: Literal["impression", "click", "purchase"]
    user_id: Id
    item_id: Id
    timestamp: float = Field(ge=0, le=1e11, allow_inf_nan=False)
    session_id: Id | None = None
    request_id: Annotated[str, StringConstraints(max_length=64)] | None = None
    position: int | None = Field(default=None, ge=1, le=MAX_K)
    revenue: Money = 0.0
    cost: Money = 0.0


class EventsRequest(_Request):
    events: list[Event] = Field(min_length=1, max_length=MAX_EVENTS)


class ReloadRequest(_Request):
    """Reload every variant (or one) from the registry; with ``version``, switch the
    variant to that version of its model (pinned until the next switch)."""

    variant: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = None
    version: int | None = Field(default=None, ge=1, le=10**8)


# --------------------------------------------------------------------------- responses
class RecommendedItem(BaseModel):
    rank: int
    item_id: str
    title: str | None
    score: float
    source: str = Field(description="what produced the item: the retrieval (ann, exact, "
                        "model), popularity, or the last stage that reordered it")

    @field_validator("score")
    @classmethod
    def _finite(cls, value: float) -> float:
        return value if math.isfinite(value) else 0.0


class Recommendations(BaseModel):
    request_id: str
    user_id: str | None
    variant: str
    model: str = Field(description="name@version that served the request")
    items: list[RecommendedItem]
    fallback: str | None = Field(default=None, description="why the items are not the "
                                 "model's own (e.g. popularity for an unknown user)")
    unknown_items: list[str] = Field(default_factory=list,
                                     description="posted items not in the catalog (ignored)")


class SimilarItems(BaseModel):
    item_id: str
    title: str | None
    model: str
    items: list[RecommendedItem]


class EventsAccepted(BaseModel):
    accepted: int


class VariantState(BaseModel):
    name: str
    model: str
    share: float
    pinned: bool
    loaded_at: str


class Health(BaseModel):
    status: Literal["ok", "degraded", "starting"]
    variants: list[VariantState]
    last_reload_error: str | None
    store: Literal["ok", "unavailable", "none"]


class Problem(BaseModel):
    """Every error answer: what was wrong and what would be right."""

    detail: str


class ItemSummary(BaseModel):
    item_id: str
    title: str | None


class ItemList(BaseModel):
    items: list[ItemSummary]


class UserList(BaseModel):
    users: list[str]


class History(BaseModel):
    user_id: str
    items: list[ItemSummary]
