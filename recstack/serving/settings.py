"""The HTTP service's settings: one validated object, refusing unsafe or unusable values.

:class:`ServiceSettings` is built by ``recstack serve`` from its flags, or from JSON (the
environment variable :data:`SETTINGS_ENV`, which is how several uvicorn worker processes
receive the same settings). Unknown fields are refused (a misspelt key never silently
becomes a default). Every limit on requests (``max_k``, ``max_items``, ``max_events``,
``max_id_length``, ``max_body_bytes``) may be lowered from the hard caps the request
schemas declare (:mod:`recstack.serving.schemas`), never raised above them.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from recstack.atomic import special_file_problem
from recstack.errors import ConfigError
from recstack.serving import schemas
from recstack.serving._files import PIPE_NOTE, is_pipe_problem, unreadable_file
from recstack.specs import NUMBER_TEXT_RULE, arguments_named, number_from_text
from recstack.strict_json import (
    LongInteger,
    RepeatedKeyError,
    json_integer,
    refuse_repeated_keys,
)

__all__ = ["SETTINGS_ENV", "THREAD_VARIABLES", "ServiceSettings", "VariantSettings",
           "check_thread_variables", "derived_salt", "settings_from_env",
           "settings_from_options"]

#: the environment variable holding the settings as JSON for worker processes
SETTINGS_ENV = "RECSTACK_SERVE_SETTINGS"
#: shortest admin token accepted: 128 bits of hex, so it cannot be guessed by trying
MIN_TOKEN_LENGTH = 32


def _no_true_or_false_for_numbers(model: type[BaseModel], values: Any) -> Any:
    """Refuse ``true``/``false`` and text where a number belongs: pydantic reads them as
    1 and 0, so ``"log_keep_files": true`` kept one log file and ``"share": true`` gave an
    arm every user, silently; and it read ``"max_k": "5"`` as 5, a quoted number that a
    settings file, the worker's environment and the Python API all refuse alike."""
    if not isinstance(values, dict):
        return values
    for name, value in values.items():
        field = model.model_fields.get(name)
        if field is not None and isinstance(value, float) and value.is_integer() \
                and re.search(r"\bint\b", str(field.annotation)) \
                and not re.search(r"\bfloat\b", str(field.annotation)):
            # "default_k": 5.0 was read as 5, where a request's "k": 5.0, ?k=5.0 and an
            # experiment file's factors = 64.0 are refused: one rule for whole numbers
            raise ValueError(f"field {name!r}: {value!r} is not a whole number as written; "
                             f"write {int(value)} (without a decimal point or exponent)")
        if field is None or not isinstance(value, bool | str | bytes) \
                or not re.search(r"\b(int|float)\b", str(field.annotation)):
            continue
        # a required setting (a variant's share) has no default: "(default
        # PydanticUndefined)" was written, pydantic's marker for none
        default = (f" (default {field.default})"
                   if not field.is_required() and field.default is not None else "")
        shown = str(value).lower() if isinstance(value, bool) else f"the text {value!r:.40}"
        raise ValueError(f"field {name!r}: {shown} is not a number; write a number"
                         f"{' without quotes' if not isinstance(value, bool) else ''}"
                         f"{default}")
    return values


def _check_reference(value: str) -> str:
    from recstack.serving.registry import parse_reference

    parse_reference(value)
    return value


class VariantSettings(BaseModel):
    """One arm of an A/B test: its name, the registry reference it serves (``name`` for
    the current version, ``name@3`` to pin one) and its share of users."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    model: str
    # allow_inf_nan=False here and on every float setting: NaN fails every bound, and was
    # refused as "should be less than or equal to 1", naming a bound it does not break
    share: float = Field(gt=0, le=1, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _numbers(cls, values: Any) -> Any:
        return _no_true_or_false_for_numbers(cls, values)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        from recstack.serving.variants import VARIANT_NAME, VARIANT_NAME_RULE

        if not VARIANT_NAME.fullmatch(value):
            raise ValueError(VARIANT_NAME_RULE)
        return value

    @field_validator("model")
    @classmethod
    def _reference(cls, value: str) -> str:
        return _check_reference(value)


#: the shortest poll_seconds and log_rotate_seconds: the sleep of a loop that runs for the
#: service's life
MIN_INTERVAL_SECONDS = 0.1


class ServiceSettings(BaseModel):
    """What ``recstack serve`` runs with (see the module docstring).

    Attributes
    ----------
    registry : str
        The model registry (folder or fsspec URL).
    model : str, optional
        The reference served when no ``variants`` are given (``name`` follows the current
        alias; ``name@3`` is pinned). Default: the registry's only model name.
    variants : list of VariantSettings
        Two or more arms of an A/B test, shares summing to 1; users are assigned by
        :func:`recstack.serving.variants.bucket` of their id with
        :attr:`assignment_salt`.
    variant_salt : str, optional
        The salt of that hash: an experiment's own, so that two experiments do not put the
        same users in their treatments. Default: one derived from the variants themselves
        (their names, models and shares, :func:`derived_salt`), the same in every worker
        and restart, and another for another experiment. Changing a variant's name, model
        reference or share then reshuffles the users (a new experiment); to keep the
        assignment across such a change, set ``variant_salt`` to the salt the service
        logs at its start. Before this default, every experiment without a salt hashed
        with ``"recstack"``, so the same users landed in the treatment of each (correlated
        experiments; Kohavi, Tang and Xu, *Trustworthy Online Controlled Experiments*,
        2020, on randomisation): ``variant_salt = "recstack"`` keeps that assignment.
    admin_token : str, optional
        Bearer token of the admin endpoints (at least 32 characters); without one they
        answer 403.
    unknown_user : {"404", "popular"}
        An unknown user gets a 404 naming the cold-start endpoint, or the most popular
        items with the reason in the response.
    candidates : int
        Items retrieved for the ranking and re-ranking stages, when ``stages`` are set.
    rerank : list of dict
        A chain of the pipeline's re-rankers applied to the retrieved candidates, each
        spelled as in experiment files (``{"type": "mmr", "trade_off": 0.7}``); fitted when
        a version loads, from the version's training matrix, its item vectors and the
        ``items_file`` (:mod:`recstack.serving.rerank`). It follows the chain of a
        published ``reranked`` model.
    stages : list of str
        ``"package.module:factory"`` import paths; each factory is called with the
        settings and returns a stage (see :class:`recstack.serving.service.Stage`),
        called in this order after retrieval and the re-ranking chains.
    two_stage_index : {"auto", "hnsw", "exact"}
        How the candidate generators of a ``two_stage`` version published without their
        item indexes are searched (an index per generator with vectors, built when the
        version loads; :mod:`recstack.serving.two_stage`).
    ann_ef : int, optional
        The query-time candidate list length of every HNSW index served (default: the
        one the index was built with); lower is faster and less exact.
    store : str, optional
        Embedding store location (:func:`recstack.serving.embedding_store.open_store`)
        read for user vectors; when it cannot be reached the model's own vectors are
        served, counted in ``recstack_store_fallback_total``, and the store is not tried
        again for ``store_retry_seconds``.
    log_dir : Path, optional
        Folder of the rotated Parquet request log (``requests-*.parquet``) and event log
        (``events-*.parquet``); None logs nothing (and refuses events).
    log_rotate_rows, log_rotate_seconds, log_keep_files
        A new log file at least every so many rows or seconds; keep the newest files.
    poll_seconds : float, optional
        Check the registry's current alias this often and swap in a newly published
        version (how several worker processes all follow a publish); refused when every
        model served is pinned (``als@3``), as none would follow.
    load_timeout_seconds : float
        How long one load of a model from the registry (a reload, a poll's swap) may
        run before it is given up as stalled (default 300): the versions served stay,
        ``/health`` says ``degraded`` and lists it under ``loading``, and no other
        load of its variants starts until its read returns. The start is bounded too:
        past it the server answers not ready (``/health`` says ``starting`` and why,
        ``/ready`` 503 with the reason) and serves once the read returns; ``recstack
        serve``'s checks before the server starts end it with the reason instead.
    reload_wait_seconds : float
        How long ``POST /admin/reload`` waits for its load (default 30): past it, 202
        while that load goes on, 409 while another load is in the way.
    items_file : Path, optional
        CSV or Parquet table with ``item_id`` and ``title`` columns, for titles (and any
        item columns the ``rerank`` chain reads, e.g. ``genres``).
    compute_threads : int
        BLAS and OpenMP threads per worker process for computing a request (default 1:
        a request is small, and the service scales by worker processes;
        :func:`recstack.serving.app.limit_threads`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    registry: str = Field(min_length=1)
    model: str | None = None
    variants: list[VariantSettings] = Field(default_factory=list)
    variant_salt: str | None = Field(default=None, min_length=1, max_length=100)
    admin_token: SecretStr | None = None
    unknown_user: Annotated[Literal["404", "popular"], schemas.one_of("404", "popular")] = "404"
    default_k: int = Field(default=20, ge=1, le=schemas.MAX_K)
    max_k: int = Field(default=100, ge=1, le=schemas.MAX_K)
    max_items: int = Field(default=schemas.MAX_ITEMS, ge=1, le=schemas.MAX_ITEMS)
    max_events: int = Field(default=schemas.MAX_EVENTS, ge=1, le=schemas.MAX_EVENTS)
    max_id_length: int = Field(default=schemas.MAX_ID_LENGTH, ge=1, le=schemas.MAX_ID_LENGTH)
    max_body_bytes: int = Field(default=schemas.MAX_BODY_BYTES, ge=1024,
                                le=schemas.MAX_BODY_BYTES)
    candidates: int = Field(default=200, ge=1, le=10_000)
    rerank: list[dict[str, Any]] = Field(default_factory=list, max_length=20)
    stages: list[str] = Field(default_factory=list)
    two_stage_index: Annotated[Literal["auto", "hnsw", "exact"],
                               schemas.one_of("auto", "hnsw", "exact")] = "auto"
    ann_ef: int | None = Field(default=None, ge=1, le=10_000)
    store: str | None = None
    store_retry_seconds: float = Field(default=5.0, ge=0, le=3600, allow_inf_nan=False)
    log_dir: Path | None = None
    log_rotate_rows: int = Field(default=10_000, ge=1, le=10_000_000)
    log_rotate_seconds: float = Field(default=60.0, gt=0, le=86_400, allow_inf_nan=False)
    log_keep_files: int | None = Field(default=None, ge=1)
    poll_seconds: float | None = Field(default=None, gt=0, le=3600, allow_inf_nan=False)
    load_timeout_seconds: float = Field(default=300.0, gt=0, le=86_400,
                                        allow_inf_nan=False)
    reload_wait_seconds: float = Field(default=30.0, gt=0, le=86_400,
                                       allow_inf_nan=False)
    compute_threads: int = Field(default=1, ge=1, le=256)
    items_file: Path | None = None

    @model_validator(mode="before")
    @classmethod
    def _numbers(cls, values: Any) -> Any:
        return _no_true_or_false_for_numbers(cls, values)

    @field_validator("model")
    @classmethod
    def _reference(cls, value: str | None) -> str | None:
        # checked here as for a variant's model, not first when the service loads it
        return None if value is None else _check_reference(value)

    @field_validator("poll_seconds", "log_rotate_seconds")
    @classmethod
    def _not_a_busy_loop(cls, value: float | None) -> float | None:
        # each is the sleep of a loop that runs for the service's life: 1e-9 s (a unit
        # mistaken, milliseconds written as seconds?) read the registry, or woke the log
        # writer, without pause, a core spent on it
        if value is not None and value < MIN_INTERVAL_SECONDS:
            raise ValueError(f"{value:g} s is below the shortest interval, "
                             f"{MIN_INTERVAL_SECONDS:g} s (it paces a loop that runs for the "
                             "service's life); give seconds (e.g. 5), not milliseconds")
        return value

    @field_validator("store", "log_dir", "items_file", mode="before")
    @classmethod
    def _not_blank(cls, value: Any) -> Any:
        # an empty path is the working folder, an empty store none at all: both silently
        if isinstance(value, str) and not value.strip():
            raise ValueError("is empty; give a path (or leave the setting out)")
        return value

    @field_validator("variant_salt")
    @classmethod
    def _salt(cls, value: str | None) -> str | None:
        # hashed as written: " s" or "s " put every user apart from "s", silently (a
        # copied line's space reshuffled a running experiment)
        if value is not None and value != value.strip():
            raise ValueError("is only whitespace; give a salt (or leave the setting out for "
                             "one derived from the variants)" if not value.strip() else
                             f"{value!r:.60} begins or ends with whitespace, which would be "
                             "hashed with every user id and assign them apart from "
                             f"{value.strip()!r:.60}; remove it")
        return value

    @property
    def assignment_salt(self) -> str:
        """The salt users are assigned with: ``variant_salt`` when given, else
        :func:`derived_salt` of the variants."""
        if self.variant_salt is not None:
            return self.variant_salt
        return derived_salt([(v.name, v.model, v.share) for v in self.variants]
                            or [("default", self.model or "", 1.0)])

    @field_validator("admin_token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return value
        token = value.get_secret_value()
        if len(token.strip()) < MIN_TOKEN_LENGTH:
            raise ValueError(f"must be at least {MIN_TOKEN_LENGTH} characters (e.g. "
                             "python -c 'import secrets; print(secrets.token_hex(16))')")
        # an HTTP header carries neither surrounding whitespace nor, reliably, other than
        # printable ASCII: no request could ever match such a token
        if token != token.strip():
            raise ValueError("begins or ends with whitespace, which no Authorization header "
                             "can carry; remove it")
        if not (token.isascii() and token.isprintable()):
            raise ValueError("holds characters other than printable ASCII, which an "
                             "Authorization header cannot carry reliably (e.g. python -c "
                             "'import secrets; print(secrets.token_hex(16))')")
        return value

    @field_validator("rerank")
    @classmethod
    def _rerank(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        from recstack.serving.rerank import check_chain

        try:
            check_chain(value)
        except ConfigError as error:
            raise ValueError(str(error)) from None
        return value

    @field_validator("stages")
    @classmethod
    def _stages(cls, value: list[str]) -> list[str]:
        for path in value:
            module, colon, name = path.partition(":")
            if not colon or not module or not name.isidentifier():
                raise ValueError(f"{path!r}: write a stage as 'package.module:factory'")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ServiceSettings:
        if self.default_k > self.max_k:
            raise ValueError(f"default_k ({self.default_k}) exceeds max_k ({self.max_k})")
        if self.variants:
            if self.model is not None:
                raise ValueError("give either model or variants, not both")
            names = [v.name for v in self.variants]
            from recstack.serving.variants import case_twins, repeated_name_problem

            if repeated := repeated_name_problem(names):
                raise ValueError(repeated)

            if twins := case_twins(names):
                raise ValueError(f"variant names {twins[0]!r} and {twins[1]!r} differ only "
                                 "in case: the logs and the online metrics would hold two "
                                 "arms that read as one (a case-insensitive sort, query or "
                                 "file system); name them apart")
            from recstack.serving.variants import shares_problem

            if problem := shares_problem([v.share for v in self.variants]):
                raise ValueError(problem)
        served = [v.model for v in self.variants] or ([self.model] if self.model else [])
        if self.poll_seconds is not None and served and all("@" in r for r in served):
            # a pinned version is never swapped by the poller: polling did nothing, silently
            raise ValueError(f"poll_seconds ({self.poll_seconds:g}) follows newly published "
                             f"versions, but every model served is pinned to a version "
                             f"({', '.join(served)}); drop poll_seconds, or name the model "
                             "without @VERSION to follow its current version")
        return self

    @classmethod
    def create(cls, **values: Any) -> ServiceSettings:
        """Validated settings, a mistake raised as one-line :class:`ConfigError`."""
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            raise ConfigError(describe_validation_error(error)) from None

    def to_json(self) -> str:
        """JSON that :func:`settings_from_env` reads back (the token included: it only
        travels to this service's own worker processes)."""
        data = json.loads(self.model_dump_json())
        if self.admin_token is not None:
            data["admin_token"] = self.admin_token.get_secret_value()
        return json.dumps(data)


#: pydantic's messages that name its own or Python's types, in the terms of a settings file
_TYPE_MESSAGES = {
    "path_type": "Input should be a path (text)",
    "model_type": 'Input should be an object such as {"name": "control", "model": "als", '
                  '"share": 0.5}',
}


def derived_salt(variants: list[tuple[str, str, float]]) -> str:
    """The variant salt of an experiment that sets none: ``"auto-"`` and the first 20 hex
    digits of the SHA-256 of its variants' (name, model reference, share) as JSON, in
    order. It is the same in every worker process and restart (nothing random or of the
    machine goes in), and another for experiments that differ in any arm, so that their
    assignments are independent: the same constant for all ("recstack") put the same users
    in the first arm of every experiment."""
    text = json.dumps([[name, model, repr(float(share))] for name, model, share in variants],
                      ensure_ascii=True)
    return "auto-" + hashlib.sha256(text.encode("ascii")).hexdigest()[:20]


#: how a caller of :class:`ServiceSettings` gives the registry, for the refusal of settings
#: without one: pydantic said "Field required", naming neither what the field is nor how
#: to give it (a ``--config`` file of ``{}``)
REGISTRY_GIVEN_IN_PYTHON = 'give registry="models/" (or "registry" in the settings JSON)'
REGISTRY_GIVEN_ON_COMMAND_LINE = ("give it on the command line with --registry DIR, or as "
                                  '"registry": "DIR" in the --config file')


def describe_validation_error(error: ValidationError,
                              origin: dict[str, str] | None = None, *,
                              registry_hint: str = REGISTRY_GIVEN_IN_PYTHON) -> str:
    """``serve settings: field 'x': message; ...`` on one line; a value of the wrong type
    is shown (the admin token never), an unknown field gets the nearest one's name.
    ``origin`` maps a top-level field to where its value came from (``--config FILE``),
    which then starts that field's part; ``registry_hint`` says how to give a registry
    that is missing."""
    parts = []
    for item in error.errors():
        message = _TYPE_MESSAGES.get(item["type"], item["msg"].removeprefix("Value error, "))
        if item["type"] == "missing" and tuple(item["loc"]) == ("registry",):
            message = ("is missing: it is the model registry to serve (the folder or fsspec "
                       "URL that `recstack fit --registry` publishes to); " + registry_hint)
        where = ".".join(str(p) for p in item["loc"])
        if where and (inner := re.match(r"field '([^']+)': ", message)):
            # a check of a variant's fields as a whole names the field itself: it read
            # "field 'variants.0': field 'share': ..."
            where, message = f"{where}.{inner.group(1)}", message[inner.end():]
        if not where and item["type"] == "model_type":
            # the settings themselves (not a variant) are no object: the variant's example
            # above named fields that are not settings of the service
            message = ('the settings should be a JSON object such as {"registry": '
                       f'"models/"}}, got {_json_text(item["input"])}')
        # "Input is not a valid path for <class 'pathlib.Path'>" and "... or instance of
        # VariantSettings" named Python's types, and no message said what was given
        if where and item["type"].endswith("_type") and item["loc"][0] != "admin_token":
            message += f", got {_json_text(item['input'])}"
        if item["type"] == "string_too_short" and isinstance(item["input"], str) \
                and not item["input"]:
            # pydantic's "String should have at least 1 character" for an empty registry
            # or salt, where the neighbouring refusals say what is wrong and what to give
            message = "is empty; give a value or leave the setting out for its default" \
                if item["loc"] and item["loc"][-1] != "registry" else \
                "is empty; give the model registry's folder or URL"
        elif item["type"] == "string_too_long" and isinstance(item["input"], str):
            message = (f"has {len(item['input']):,} characters; give at most "
                       f"{item.get('ctx', {}).get('max_length')}")
        if item["type"] in _BOUND_TYPES and isinstance(item["input"], int | float) \
                and not isinstance(item["input"], bool | LongInteger):
            # NaN in a variant's share was pydantic's "Input should be a finite number"
            # and 1.5 "less than or equal to 1": neither the range nor what was given
            message = _bound_refusal(item["loc"], message, item["input"])
        if item["type"] == "extra_forbidden":
            message = _unknown_field(item["loc"])
        elif isinstance(item["input"], LongInteger):
            # Python's "Exceeds the limit (4300 digits)" named no setting
            message = f"{item['input'].too_long()}; " + (
                _number_wanted(item["loc"], item["type"]) or message.replace(
                    f", got {item['input']}", ""))
        source = (origin or {}).get(str(item["loc"][0])) if item["loc"] else None
        if not item["loc"] and (named := re.match(r"field '([^']+)': ", message)):
            # a check of the settings as a whole that names one field ("max_k": "5", true
            # for a number): the file the value came from went unsaid, as it is said for
            # every check of that field alone
            source = (origin or {}).get(named.group(1))
        part = f"field {where!r}: {message}" if where else message
        parts.append(f"{source}: {part}" if source else part)
    return "serve settings: " + "; ".join(parts)


#: pydantic's refusals of a number out of a setting's range (NaN and infinities included)
_BOUND_TYPES = frozenset({"finite_number", "greater_than", "greater_than_equal", "less_than",
                          "less_than_equal"})


def _bound_refusal(loc: tuple[Any, ...], message: str, given: float) -> str:
    """``message`` with the setting's whole range and the value given: ``Input should be
    a finite number (give a number above 0 and at most 1), got NaN``."""
    model: type[BaseModel] = VariantSettings if loc and loc[0] == "variants" \
        else ServiceSettings
    field = model.model_fields.get(str(loc[-1])) if loc else None
    whole = field is not None and not re.search(r"\bfloat\b", str(field.annotation))
    wanted = _number_wanted(loc, "int_type" if whole else "float_type")
    if isinstance(given, float) and not math.isfinite(given):
        shown = "NaN" if math.isnan(given) else "Infinity" if given > 0 else "-Infinity"
    else:
        try:
            shown = repr(given)
        except ValueError:  # an integer past Python's limit of digits for text
            shown = "a whole number of thousands of digits"
    shown = shown if len(shown) <= 40 else f"{shown[:37]}..."
    return f"{message}{f' ({wanted})' if wanted else ''}, got {shown}"


def _number_wanted(loc: tuple[Any, ...], kind: str) -> str | None:
    """What a number setting at ``loc`` takes, by its bounds (``give a whole number at
    least 1 and at most 1000``); None for a setting that is no number."""
    if kind not in ("int_type", "float_type") or not loc:
        return None
    model: type[BaseModel] = VariantSettings if loc[0] == "variants" else ServiceSettings
    field = model.model_fields.get(str(loc[-1]))
    words = {"ge": "at least", "gt": "above", "le": "at most", "lt": "below"}
    bounds = [f"{word} {_bound_text(getattr(rule, bound))}"
              for rule in (field.metadata if field else [])
              for bound, word in words.items() if getattr(rule, bound, None) is not None]
    number = "a whole number" if kind == "int_type" else "a number"
    return f"give {number}" + (f" {' and '.join(bounds)}" if bounds else "")


def _bound_text(bound: float) -> str:
    """A setting's bound as a person writes it: ``1,048,576`` and ``10,000,000``, which
    ``:g`` wrote ``1.04858e+06`` (not even the bound) and ``1e+07``; up to four digits
    without a separator (``1000``, as a settings file writes it), ``0.1`` as it is."""
    if isinstance(bound, int) or float(bound).is_integer():
        whole = int(bound)
        return f"{whole:,}" if abs(whole) >= 10_000 else str(whole)
    return f"{bound:g}"


def _unknown_field(loc: tuple[Any, ...]) -> str:
    """What pydantic calls "Extra inputs are not permitted", with the nearest field's name
    (``max_kk``: did you mean ``max_k``?), or the fields when none is near."""
    from recstack.specs import did_you_mean

    model: type[BaseModel] = VariantSettings if loc[0] == "variants" else ServiceSettings
    known = list(model.model_fields)
    hint = did_you_mean(loc[-1], known)
    what = "a variant" if model is VariantSettings else "recstack serve"
    return (f"not a setting of {what}{hint}" if hint else
            f"not a setting of {what}; its settings are: {', '.join(known)}")


def _json_text(value: Any) -> str:
    """``value`` as a settings file spells it, cut short."""
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


#: the thread counts worker processes read before loading BLAS or OpenMP; one already set
#: is kept (the operator's choice), else set to ``compute_threads``
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def check_thread_variables() -> None:
    """Refuse a thread variable set to what is no thread count (``""``, ``"four"``,
    ``"0"``, ``"-1"``): ``serve`` keeps one that is set, and each library read such a
    value its own way (its default, or a warning in every worker's log) while the
    operator believed the threads capped. ``OMP_NUM_THREADS`` may list one count per
    nesting level (``4,2``). Called by ``serve`` and by its preflight, before anything
    starts."""
    for name in THREAD_VARIABLES:
        value = os.environ.get(name)
        if value is None:
            continue
        parts = value.strip().split(",") if name == "OMP_NUM_THREADS" else [value.strip()]
        if not all(part.strip().isascii() and part.strip().isdigit()
                   and int(part.strip()) >= 1 for part in parts):
            shape = (" (or one per nesting level, 4,2)" if name == "OMP_NUM_THREADS"
                     else "")
            raise ConfigError(f"serve: the environment variable {name}={value!r:.40} is "
                              f"not a thread count; set it to a whole number of at least "
                              f"1{shape}, or unset it for compute_threads")


def settings_from_env() -> ServiceSettings:
    """The settings a worker process was given in :data:`SETTINGS_ENV`."""
    raw = os.environ.get(SETTINGS_ENV)
    if not raw:
        raise ConfigError(f"{SETTINGS_ENV} is not set; start the service with recstack serve")
    # read as a --config file is (a key given twice refused, numbers as numbers), not by
    # pydantic's JSON reader, which kept the last of a repeated key
    values = _settings_json(raw, SETTINGS_ENV)
    try:
        return ServiceSettings.model_validate(values)
    except ValidationError as error:
        origin = dict.fromkeys(values, SETTINGS_ENV) if isinstance(values, dict) else None
        raise ConfigError(describe_validation_error(
            error, origin, registry_hint=f'set "registry" in {SETTINGS_ENV}, or start the '
                                         "service with recstack serve --registry DIR"
        )) from None


@arguments_named
def settings_from_options(config: Path | None, *, variants: list[str] | None = None,
                          admin_token_file: Path | None = None, **flags: Any
                          ) -> ServiceSettings:
    """Settings from ``recstack serve``: a JSON ``config`` file, then the flags that were
    given (None: not given). ``variants`` as ``NAME=MODEL:SHARE``; the admin token is read
    from a file so that it never shows in the process list."""
    values = _read_config(config) if config is not None else {}
    # a mistake in a value of the file names the file (flags given override its values)
    origin = {key: f"--config {config}" for key in values if flags.get(key) is None}
    values.update({k: v for k, v in flags.items() if v is not None})
    if variants:
        values["variants"] = [_parse_variant(text) for text in variants]
    if admin_token_file is not None:
        odd = special_file_problem(Path(admin_token_file))
        if odd is not None:  # a named pipe waited forever for a writer
            raise ConfigError(f"--admin-token-file {admin_token_file}: {odd}; give the file "
                              "holding the token"
                              + (" (a file on disk: pipes are not read)"
                                 if is_pipe_problem(odd) else ""))
        try:
            # utf-8-sig: an editor's byte-order mark is no part of the token (it was
            # refused as "characters other than printable ASCII", the token looking right)
            token = Path(admin_token_file).read_text(encoding="utf-8-sig").strip()
        except OSError as error:
            # a folder was "cannot read it (Is a directory)", the system's words
            raise ConfigError(f"--admin-token-file {admin_token_file}: "
                              f"{unreadable_file(admin_token_file, error)}; give the file "
                              "holding the token") from None
        except UnicodeDecodeError as error:
            raise ConfigError(f"--admin-token-file {admin_token_file}: not UTF-8 text "
                              f"({error.reason} at byte {error.start}); write the token as "
                              "text, e.g. python -c 'import secrets; "
                              "print(secrets.token_hex(16))'") from None
        lines = token.splitlines()
        if len(lines) > 1:
            raise ConfigError(f"--admin-token-file {admin_token_file}: holds {len(lines)} "
                              "lines; the file holds the token alone, on one line")
        values["admin_token"] = token
        origin.pop("admin_token", None)
    if variants:
        origin.pop("variants", None)
    try:
        return ServiceSettings.model_validate(values)
    except ValidationError as error:
        raise ConfigError(describe_validation_error(
            error, origin, registry_hint=REGISTRY_GIVEN_ON_COMMAND_LINE)) from None


def _read_config(config: Path) -> dict[str, Any]:
    """The settings object of a ``--config`` JSON file (a UTF-8 BOM allowed; a key given
    twice refused, as JSON readers disagree on which one wins)."""
    odd = special_file_problem(Path(config))
    if odd is not None:  # a named pipe waited forever for a writer
        # the pipe note only for a pipe: a link that leads nowhere is no pipe
        raise ConfigError(f"--config {config}: {odd}; give a JSON file of settings"
                          + (PIPE_NOTE if is_pipe_problem(odd) else ""))
    try:
        text = Path(config).read_text(encoding="utf-8-sig")
    except OSError as error:
        if str(config).lstrip().startswith(("{", "[")) and not Path(config).exists():
            # `--config '{"default_k": 5}'` was "No such file or directory"
            raise ConfigError(f"--config {str(config)[:80]}: is JSON text, but --config "
                              "takes the path of a JSON file of settings; write it to a "
                              "file (e.g. serve.json) and give --config serve.json") from None
        # a folder was "cannot read it (Is a directory)", the system's words
        raise ConfigError(f"--config {config}: {unreadable_file(config, error)}; "
                          "give a JSON file of settings") from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"--config {config}: not UTF-8 text ({error.reason} at byte "
                          f"{error.start}); write the settings as JSON") from None

    if not text.strip():
        # it was "not valid JSON (Expecting value: line 1 column 1 (char 0))"
        raise ConfigError(f"--config {config}: is empty; write a JSON object of settings, "
                          'e.g. {"default_k": 20}')
    hint = ("; the settings file is JSON (a TOML file is not read)"
            if Path(config).suffix.lower() == ".toml" else "")
    values = _settings_json(text, f"--config {config}", hint)
    if not isinstance(values, dict):
        raise ConfigError(f"--config {config}: expected a JSON object of settings")
    return values


def _settings_json(text: str, where: str, hint: str = "") -> Any:
    """The JSON value of ``text`` from ``where`` (a ``--config`` file or
    :data:`SETTINGS_ENV`), one reading for both: a key given twice in one object is
    refused, as JSON readers disagree on which one wins."""
    try:
        # parse_int: an integer of thousands of digits (which Python refuses to read) is
        # refused by its setting, naming the setting (LongInteger)
        values = json.loads(text, object_pairs_hook=refuse_repeated_keys,
                            parse_int=json_integer)
    except RepeatedKeyError as error:
        raise ConfigError(f"{where}: {error}") from None
    except ValueError as error:
        raise ConfigError(f"{where}: not valid JSON ({error}){hint}") from None
    except RecursionError:
        raise ConfigError(f"{where}: not valid JSON (nested too deeply); write "
                          "an object of settings") from None
    return values


def _parse_variant(text: str) -> dict[str, Any]:
    name, equals, rest = text.partition("=")
    model, colon, share = rest.rpartition(":")
    try:
        value = number_from_text(share, float)  # float() read '0.5_0' as 0.5
    except ValueError:
        value = None
    if not equals or not colon or not name or not model or value is None:
        raise ConfigError(f"--variant {text!r}: write NAME=MODEL:SHARE, e.g. control=als:0.5 "
                          f"(the share in {NUMBER_TEXT_RULE})")
    return {"name": name, "model": model, "share": value}
