"""Models registered by name, so that experiment files can name them with parameters."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from recstack.errors import ConfigError, RecstackError, shown_given
from recstack.models.base import (
    NOT_GIVEN,
    Recommender,
    canonical_value,
    refuse_positional,
)
from recstack.registry import Registry
from recstack.specs import table_hint


def create_model(name: Any = NOT_GIVEN, /, *positional: Any, **params: Any) -> Recommender:
    """An unfitted model by registry name (first, or as ``name=``); unknown names or
    parameters are refused with the list of what exists, and so are hyperparameters given
    by position, a table of them given as one value, and a model's whole declaration given
    as its name."""
    if name is NOT_GIVEN:
        if "name" not in params:
            raise ConfigError("create_model needs the model's registered name first, e.g. "
                              f"create_model('ease'); available: {', '.join(available_models())}")
        name = params.pop("name")
    if isinstance(name, bytes | bytearray):
        try:
            text = bytes(name).decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None and text in available_models():
            raise ConfigError(f"a model is named by text, got bytes {name!r}; write "
                              f"{text!r} (bytes.decode() gives it)")
    cls = model_class(name)
    if "name" in params:
        # create_model("ease", name="als"): Python's "got multiple values for argument
        # 'name'" named neither the model nor the rule
        raise ConfigError(f"{cls.name}: name={shown_given(params['name'])} is not a "
                          f"hyperparameter; the model's registered name is create_model's "
                          f"first value ({cls.name!r}) and is fixed by its class")
    if "type" in params and "type" not in cls.params:
        # a declaration's key for the model's name, kept when its table was unpacked
        raise ConfigError(f"{cls.name}: type={shown_given(params['type'])} is no "
                          "hyperparameter: 'type' names the model in a declaration table, "
                          f"and here the name is create_model's first value ({cls.name!r}); "
                          "leave type out")
    if len(positional) == 1 and isinstance(positional[0], dict) and not params:
        # create_model("ease", {"regularization": 100}): the table was told only as
        # "<dict> by position"
        raise ConfigError(f"{cls.name}: the hyperparameters came as one table "
                          f"{shown_given(positional[0])}; give them by keyword, unpacking a "
                          f"table with ** (create_model({cls.name!r}, **params)); they are: "
                          f"{', '.join(cls.params) or '(none)'}")
    refuse_positional(cls.name, positional,
                      f"give the hyperparameters by name (create_model({cls.name!r}, "
                      f"{next(iter(cls.params), 'name')}=...)); they are: "
                      f"{', '.join(cls.params) or '(none)'}")
    if len(params) == 1:
        (keyword, value), = params.items()
        if keyword not in cls.params and isinstance(value, dict) and value and all(
                isinstance(key, str) and key in cls.params for key in value):
            # create_model("ease", params={...}): "no parameter 'params'" did not say that
            # the table's own keys were right
            raise ConfigError(f"{cls.name}: no parameter {keyword!r}; its value "
                              f"{shown_given(value)} holds {cls.name}'s hyperparameters: "
                              f"unpack it with ** (create_model({cls.name!r}, **{keyword}))")
    return cls(**params)


def refuse_refitted_checkpoints(owner: str, declared: list[tuple[str, Recommender]],
                                fits: str, remedy: str) -> None:
    """Refuse, before any training, a nested model with a ``checkpoint_dir`` that its
    container fits more than once (``fits`` says how): a checkpoint folder holds one run, so
    the second fit was refused as another run's ("the training rows differ") only after the
    first had trained. ``declared``: ``(where, unfitted model)`` pairs, e.g.
    ``("generators[0]", model)``; ``remedy``: what to do instead."""
    for where, model in declared:
        folder = getattr(model, "checkpoint_dir", None)
        if folder is not None:
            raise ConfigError(
                f"{owner}: {where} ({model.name}) has checkpoint_dir = {folder!r}, but {fits}, "
                "and a checkpoint folder holds one run: the second fit would be refused as "
                f"another run's after the first had trained; {remedy}")


def create_declared(entry: Any, where: str, *, container: str, nesting: str,
                    written: Any = None) -> Recommender:
    """An unfitted model from its declaration inside another model (a blend's member, a
    two-stage model's generator, a re-ranked model's inner model): ``{"type": name,
    **hyperparameters}``, checked like a model of its own; errors start with ``where``.

    A declaration of the ``container`` type itself is refused with ``nesting`` (what to do
    instead), since such models do not nest. ``written``: the declaration as the user wrote
    it, where the container stored its exact numbers as plain ones (``Decimal("1e40")`` as
    the integer it names), so that the model's messages show what was written."""
    kind = entry.get("type") if isinstance(entry, dict) else None
    if not isinstance(kind, str):
        raise ConfigError(f"{where} needs a 'type' naming a registered model, e.g. "
                          "{type = 'ease'}; got " + shown_given(entry) + table_hint(entry))
    if kind == container:
        raise ConfigError(f"{where}: {nesting}")
    params = {key: value for key, value in entry.items() if key != "type"}
    try:
        model = create_model(kind, **params)
        if isinstance(written, dict):
            model._remember_written(written)
        model.validate_params()
    except ConfigError as error:
        raise ConfigError(f"{where} ({kind}): {error}") from None
    return model


def refuse_repeated_models(models: list[Any], who: str, where: str,
                           consequence: str, *, what: str = "model") -> None:
    """Refuse the same model declared twice in a list of ``models`` of model ``who`` (built
    by :func:`create_declared` from ``where[0]``, ``where[1]``...): the same class with the
    same hyperparameters, a default written out or not. ``consequence`` says what the
    repeat does (in a blend it only doubles a weight; in a two-stage model it proposes the
    same candidates twice). A ConfigError names both places and the model. ``what`` names
    the kind of thing listed (the re-rankers of a chain are checked alike)."""
    first_of: dict[tuple[str, str], int] = {}
    for position, model in enumerate(models):
        key = (type(model).__qualname__, settings_key(model.get_params()))
        if key in first_of:
            raise ConfigError(
                f"{who}: {where}[{first_of[key]}] and {where}[{position}] are the same "
                f"{what} ({model!r}); {consequence}; remove one, or make them differ in a "
                "hyperparameter")
        first_of[key] = position


def settings_key(value: Any) -> Any:
    """A hashable key under which two hyperparameter values are equal when they name the
    same setting: ``500`` and ``500.0`` (a blend's members written ``regularization = 500``
    and ``= 500.0``, keyed by their text, were not caught as one model listed twice), a
    tuple and a list of equal items, a table's keys in any order; but ``True`` is not ``1``
    (Python's ``True == 1`` would merge a flag with a count)."""
    value = canonical_value(value)
    if isinstance(value, bool):
        return (bool, value)
    if isinstance(value, list):
        return (list, tuple(settings_key(item) for item in value))
    if isinstance(value, dict):
        return (dict, frozenset((settings_key(key), settings_key(item))
                                for key, item in value.items()))
    try:
        hash(value)
    except TypeError:
        return (type(value).__qualname__, repr(value))
    return value


@dataclass(frozen=True)
class OptionalLibrary:
    """A library that only some models need, and the extra of pyproject.toml that brings it
    (``pip install "recstack[EXTRA]"``)."""

    module: str  #: the name it is imported by
    shown: str  #: the name people know it by
    extra: str

    def installed(self) -> bool:
        # looked up, not imported: importing torch to learn that it is there costs seconds
        try:
            return importlib.util.find_spec(self.module) is not None
        except (ImportError, ValueError):
            return False

    def install_command(self) -> str:
        return f'pip install "recstack[{self.extra}]"'


_TORCH = OptionalLibrary("torch", "PyTorch", "torch")
#: the libraries of steps around the models, checked before a run reads its data
OPTUNA = OptionalLibrary("optuna", "optuna", "tune")
HNSWLIB = OptionalLibrary("hnswlib", "hnswlib", "serving")
MATPLOTLIB = OptionalLibrary("matplotlib", "matplotlib", "insight")
_SKLEARN_RANKING = OptionalLibrary("sklearn", "scikit-learn", "ranking")

#: the optional library each registered model needs to be fitted (the models' own checks at
#: fit name the same one); a model not listed needs none, though it may hold models that do
FIT_LIBRARIES: dict[str, OptionalLibrary] = {
    "als": OptionalLibrary("implicit", "implicit", "als"),
    "bpr": OptionalLibrary("numba", "numba", "bpr"),
    "content": OptionalLibrary("sklearn", "scikit-learn", "content"),
    **dict.fromkeys(("mf", "neural_mf", "neumf", "mult_vae", "mult_dae", "two_tower", "sasrec",
                     "lightgcn", "lightgcn_pp"), _TORCH),
}
#: the same for the rankers a two-stage model's ``ranker`` table names
RANKER_LIBRARIES: dict[str, OptionalLibrary] = {
    "lightgbm": OptionalLibrary("lightgbm", "LightGBM", "ranking"),
    "logistic": _SKLEARN_RANKING,
    **dict.fromkeys(("wide_deep", "dcn_v2", "multitask"), _TORCH),
}
#: the hyperparameters of the models that hold other models, each naming one model's
#: declaration or a list of them
_NESTED_MODELS = {"blend": ("members",), "reranked": ("model",),
                  "two_stage": ("generators", "scorers")}


def require_fit_libraries(kind: Any, params: Mapping[str, Any], where: str) -> None:
    """Refuse, before any data is read or model trained, a model declared as ``kind`` with
    ``params`` whose fit needs an optional library that is not installed (a blend's members,
    a re-ranked model's inner model, a two-stage model's generators, scorers and ranker
    included): a :class:`RecstackError` starting with ``where`` names the model, the library
    and the install command. Otherwise the other models of an experiment were trained first
    (minutes to hours) and the run then failed on the model that could never be fitted."""
    missing = _missing_fit_library(kind, params, "")
    if missing is not None:
        inside, what, library = missing
        raise RecstackError(f"{where}{inside}the {what} needs {library.shown}, which is not "
                            f"installed; install it with: {library.install_command()}")


def _missing_fit_library(kind: Any, params: Mapping[str, Any], inside: str
                         ) -> tuple[str, str, OptionalLibrary] | None:
    if not isinstance(kind, str) or kind not in available_models():
        return None  # an unknown model is refused where the model is built, with the list
    library = FIT_LIBRARIES.get(kind)
    if library is not None and not library.installed():
        return inside, f"{kind} model", library
    declared = model_class(kind).params
    for name in _NESTED_MODELS.get(kind, ()):
        value = params.get(name, declared[name].default if name in declared else None)
        entries = [value] if isinstance(value, Mapping) else value
        if not isinstance(entries, list | tuple):
            continue
        for position, entry in enumerate(entries):
            if isinstance(entry, Mapping):
                at = f"{name}[{position}]" if value is not entry else name
                nested = {key: item for key, item in entry.items() if key != "type"}
                missing = _missing_fit_library(entry.get("type"), nested,
                                               f"{inside}{at} ({entry.get('type')}): ")
                if missing is not None:
                    return missing
    if kind == "two_stage":
        ranker = params.get("ranker", declared["ranker"].default)
        ranker_kind = ranker.get("type") if isinstance(ranker, Mapping) else None
        library = RANKER_LIBRARIES.get(ranker_kind) if isinstance(ranker_kind, str) else None
        if library is not None and not library.installed():
            return f"{inside}ranker ({ranker_kind}): ", f"{ranker_kind} ranker", library
    return None


def _import_builtin_models() -> None:
    # importing the modules runs their @register decorators
    from recstack.models import (  # noqa: F401
        als,
        baselines,
        blend,
        bpr,
        content,
        ease,
        graph_filters,
        ials,
        knn,
        lightgcn,
        mf,
        neumf,
        rp3beta,
        sasrec,
        two_tower,
        vae,
    )

    # models built from other models in the pipeline package, above this one: the registry
    # knows them by name so experiment files and load_model find them
    from recstack.pipeline import two_stage  # noqa: F401
    from recstack.pipeline.rerank import model as _reranked  # noqa: F401


MODELS: Registry[Recommender] = Registry("model", _import_builtin_models)
#: class decorator: make a model available as its ``name``
register = MODELS.register
available_models = MODELS.names
model_class = MODELS.get
