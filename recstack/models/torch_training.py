"""Minibatch epochs for recstack's PyTorch models: seeded, resumable, with early stopping.

:class:`TorchTrainer` turns a ``torch.nn.Module`` and its optimizer into the epoch function
of the shared loop (:func:`recstack.models.training.run_epochs`, which owns progress,
validation, early stopping and restoring the best epoch), and adds the checkpoint hooks.
A model supplies

- ``batches(epoch, generator)``: an iterable of minibatches for one epoch, shuffled with the
  given ``torch.Generator`` (seeded from the run's seed and the epoch number, so an epoch's
  batches are the same whether the run was interrupted before it or not);
- ``loss(module, batch) -> Tensor``: the minibatch loss;
- optionally ``validate() -> float`` (higher is better, e.g. validation nDCG@10).

Determinism: before each epoch the global torch RNG (dropout...) is re-seeded from
``(seed, epoch)``, and the batch order comes from the seeded generator. A run with a
checkpoint folder writes, after every epoch, the module, the optimizer state, the best
module so far and the history, in safetensors plus JSON (never pickle); ``fit`` on the same
folder resumes after the last finished epoch and ends with the same parameters as an
uninterrupted run. A checkpoint written under another configuration is refused.
Deterministic kernels (:func:`deterministic_torch`) cost little on the CPU and some speed
on CUDA; the models switch them on for the duration of a fit.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from recstack import strict_json
from recstack.atomic import (
    blocking_parent,
    checked_path,
    fitting_stem,
    folder_problem,
    name_too_long,
)
from recstack.data._fast_csv import default_threads
from recstack.errors import RecstackError, TrainingFailedError, shown
from recstack.models.base import Param, warn_more_threads_than_cores
from recstack.models.persistence import json_kind
from recstack.models.training import ResumePoint, TrainingHistory, run_epochs
from recstack.models.warm_start import WARM_START_KEY
from recstack.progress import Progress
from recstack.specs import MAX_THREADS
from recstack.strict_json import json_syntax_problem, read_json_text

CHECKPOINT_FORMAT = 1
_MODULE = "module.safetensors"
_BEST = "best.safetensors"
_OPTIMIZER = "optimizer.safetensors"
_STATE = "state.json"


#: values of each parameter compared with the start after training (see TorchTrainer.fit)
_START_SAMPLE = 4096


def parameter_sample(module: Any) -> list[np.ndarray]:
    """The first :data:`_START_SAMPLE` values of each floating-point parameter of
    ``module`` (float64 copies on the CPU)."""
    return [parameter.detach().reshape(-1)[:_START_SAMPLE].double().cpu().numpy().copy()
            for parameter in module.parameters() if parameter.is_floating_point()]


def unmoved_since(before: list[np.ndarray], after: list[np.ndarray]) -> bool:
    """Whether no sampled value moved by more than a float32 rounding step of itself, or
    by more than 1e-20 from 0 (a step of a learning rate no training learns with)."""
    return all(np.allclose(new, old, rtol=2.0**-23, atol=1e-20)
               for old, new in zip(before, after, strict=True))


def gradients_seen(optimizer: Any) -> bool:
    """Whether the optimizer's running state (Adam's moment estimates) holds a non-zero
    value, i.e. some gradient was not 0: weights that did not move then moved too little
    for float32 (a tiny learning rate), not for want of a gradient (one item to learn
    from, which the models warn of themselves). An optimizer without such state (plain
    SGD) cannot tell, and counts as not; nor does one whose state overflowed (squared
    gradients past float32: ratings near 1e15), whose steps were 0 for another reason."""
    tensors = [value.detach() for state in optimizer.state.values()
               for key, value in state.items()
               if key != "step" and hasattr(value, "is_floating_point")
               and value.is_floating_point()]
    if any(not bool(value.isfinite().all()) for value in tensors):
        return False
    return any(bool(value.ne(0).any()) for value in tensors)


def unmoved_message(model: str | None, epochs: int, hint: str | None = None) -> str:
    """The refusal of a training that left every weight at its start; ``hint``: what to
    change (:meth:`~recstack.models.base.Recommender._unmoved_hint`: a setting beyond the
    range it trains in, or the learning rate with its value), else the learning rate."""
    who = f"{model}: " if model is not None else ""
    hint = hint or "raise the learning rate (e.g. 0.001 to 0.1)"
    separator = ", " if hint.startswith("with ") else "; "
    return (f"{who}training left the weights at their start: {epochs} epoch(s) of optimizer "
            "steps changed no weight (each step is below float32's resolution of the "
            f"weights' values), so every score would be the random start's{separator}{hint}")


def require_torch() -> Any:
    try:
        import torch
    except ImportError:
        raise RecstackError('this model needs PyTorch: pip install "recstack[torch]"') from None
    return torch


#: the ``device`` hyperparameter of the PyTorch models, declared once for all of them
DEVICE_PARAM = Param(str, default="auto", pattern=r"auto|cpu|cuda(:\d+)?",
                     pattern_doc="'auto', 'cpu', 'cuda' or 'cuda:<n>'",
                     doc="Where training runs: 'auto' (CUDA when available, else the CPU), "
                         "'cpu', 'cuda' or 'cuda:<n>'.")
#: the (exclusive) bound of every torch-trained ``learning_rate``: Adam's first step is
#: ``lr / (1 - beta1)`` = 10 lr (beta1 = 0.9 in every model), which torch holds as a float32,
#: so a rate above a tenth of float32's largest value fails inside torch at the first step
MAX_TORCH_STEP = 3.4028234663852886e37
#: the ``checkpoint_dir`` hyperparameter of the resumable PyTorch models
# a non-blank path: "" would be the working folder, which a checkpoint swap cannot replace;
# a NUL character ends the name in the operating system's calls (refused before training)
CHECKPOINT_DIR_PARAM = Param(str, optional=True, default=None, pattern=r"(?s)[^\0]*[^\s\0][^\0]*",
                             pattern_doc="a folder path (text or pathlib.Path, not empty, "
                                         "without a NUL character)",
                             path=True,
                             doc="A folder (text or pathlib.Path; ~ is the home folder) to "
                                 "checkpoint every epoch into and resume from; None: no "
                                 "checkpoints.")


#: the ``num_threads`` hyperparameter of the PyTorch models, declared once for all of them
#: (named as ALS's and BPR's): torch's intra-op threads while the model fits and scores
THREADS_PARAM = Param(int, low=0, high=MAX_THREADS, optional=True, default=None,
                      added_later=True,
                      doc="torch's threads while fitting and scoring (its intra-op "
                          "threads, restored afterwards); None: torch's own choice, 0: "
                          "every core.")


@contextmanager
def torch_threads(threads: int | None, model: str = "this model") -> Iterator[None]:
    """torch's intra-op thread count set to ``threads`` for the duration of the block, and
    the caller's count restored afterwards, also when the block raises (torch's setting is
    process-wide: a model that left it changed slowed, or sped up, everything after it).

    ``None`` leaves torch's own choice alone; ``0`` is every core this process may use;
    more threads than that is warned about (they take turns: one NeuMF epoch on a busy
    2-core machine took 7.6 s on 1 thread and 238 to 335 s on 2). A fit on ``n`` threads
    gives what a fit under ``torch.set_num_threads(n)`` gave: measured on the CPU, NeuMF,
    ``mf``, ``neural_mf`` and LightGCN learned identical weights on 1 and 2 threads;
    SASRec's attention sums may round differently in the last bits (1.5e-7 in a score),
    as their documentation says of the thread count."""
    if threads is None:
        yield
        return
    torch = require_torch()
    count = int(threads)
    if count == 0:
        count = default_threads()
    else:
        warn_more_threads_than_cores(model, "num_threads", count)
    previous = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def resolve_device(device: str, model: str = "this model") -> Any:
    """The ``torch.device`` for a device name: ``"auto"`` means CUDA when present, else
    the CPU; a CUDA device that does not exist is refused."""
    torch = require_torch()
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise RecstackError(f"{model}: device={device!r}, but CUDA is not available to "
                                "this PyTorch; use device='cpu' or 'auto'")
        position = int(device.partition(":")[2] or 0)
        count = torch.cuda.device_count()
        if position >= count:
            # "only 1 CUDA device(s) exist" left the user to work out their names
            there = "cuda:0" if count == 1 else f"cuda:0 to cuda:{count - 1}"
            raise RecstackError(f"{model}: device={device!r}, but only {count} CUDA "
                                f"device(s) exist ({there}); use one of them, 'cuda' (the "
                                "first), 'cpu' or 'auto'")
    return torch.device(device)


@contextmanager
def deterministic_torch(device: Any) -> Iterator[None]:
    """Deterministic torch kernels for the duration of a fit, the caller's setting restored.

    Cost: on the CPU next to nothing (the operations recstack's models use already have
    deterministic kernels); on CUDA some operations fall back to slower deterministic
    versions (embedding gradients are accumulated by sorting instead of atomic adds), and
    cuBLAS needs ``CUBLAS_WORKSPACE_CONFIG=:4096:8``, set here when it is not set already.
    """
    torch = require_torch()
    if getattr(device, "type", device) == "cuda":
        # cuBLAS reads this when CUDA initialises; without it deterministic matmuls fail
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    enabled = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(enabled, warn_only=warn_only)


#: the most a mean loss that is a negative log-likelihood of scores (a softmax
#: cross-entropy, BPR) reaches in a training that learns: the loss of scores 10,000
#: apart in the wrong order. Beyond it the scores have diverged, or a setting scales them
#: past any use (two-tower's temperature=1e-30), and softmax gradients are all or nothing
MAX_LIKELIHOOD_LOSS = 1e4
#: how many times the first epoch's mean loss a trained model's loss may reach
#: (:attr:`TorchTrainer.max_loss_growth`): every model at its defaults and at usual
#: learning rates on the tests' data ended at 0.1 to 1 times its start; diverged runs that
#: stayed below :data:`MAX_LIKELIHOOD_LOSS` ended at 12 to 1,650 times it
MAX_LOSS_GROWTH = 10.0


@dataclass
class TorchTrainer:
    """Runs epochs with progress, validation, early stopping and checkpoints.

    Parameters
    ----------
    epochs
        Upper bound on the number of epochs.
    seed
        Seeds the batch order and the global torch RNG of every epoch.
    patience
        Epochs without validation improvement before stopping (with ``validate``).
    checkpoint_dir
        Where to write a checkpoint after every epoch and resume from; None: no checkpoints.
    config
        The model's configuration; a checkpoint made under another one is refused.
    model
        The model's registry name, recorded in every checkpoint: resuming one made by
        another model is refused saying so (checkpoints without it are read as before).
    max_loss
        The largest mean training loss an epoch may end with; None: any finite one. An
        epoch whose mean loss is NaN, infinite or beyond it stops training at once, refused
        as diverged (before it is checkpointed), with ``diverged_hint``: what to change.
    diverged_hint
        The settings to change when training diverges, e.g. "lower learning_rate", or a
        function giving them, called only then (for a hint that costs work to find).
    result_loss
        ``result_loss(module, batch)``: what the trained parameters are measured by, on the
        first minibatch of the last epoch, against ``max_loss`` (None: ``loss``). A model
        whose ``loss`` counts its calls as training steps (Mult-VAE's annealing) gives
        another.
    max_loss_growth
        How many times the first epoch's mean loss (or 1, when that is smaller) the trained
        parameters' loss may reach; None: no bound. A run that ends far above where it
        started has diverged even when every loss stayed finite and below ``max_loss``:
        LightGCN at ``learning_rate=100`` for 30 epochs went from 0.69 to 1,100 and kept
        scores of 1.4e+06 without a word. Models whose losses are negative
        log-likelihoods set it (:data:`MAX_LOSS_GROWTH`).
    unmoved_hint
        What to change when training left every weight at its start, or a function giving
        it (the model's :meth:`~recstack.models.base.Recommender._unmoved_hint`, naming the
        setting at fault); None: raise the learning rate.
    """

    epochs: int
    seed: int = 0
    patience: int = 5
    checkpoint_dir: str | Path | None = None
    config: dict[str, Any] = field(default_factory=dict)
    model: str | None = None
    max_loss: float | None = None
    diverged_hint: str | Callable[[], str] = "lower the learning rate"
    result_loss: Callable[[Any, Any], Any] | None = None
    max_loss_growth: float | None = None
    unmoved_hint: str | Callable[[], str] | None = None

    def fit(self, module: Any, optimizer: Any,
            batches: Callable[[int, Any], Iterable[Any]],
            loss: Callable[[Any, Any], Any], *,
            validate: Callable[[], float] | None = None,
            description: str = "Training", progress: Progress | None = None,
            ) -> TrainingHistory:
        torch = require_torch()
        resume_from = None
        if self.checkpoint_dir is not None:
            with self._named():
                resumed = self._load_checkpoint(module, optimizer)
            if resumed is not None:
                epochs_done, history, best_state = resumed
                del history.epochs[epochs_done:]  # the loop resumes after the finished ones
                resume_from = ResumePoint(history, best_state)

        # the first minibatch of the latest epoch, which the trained parameters are
        # measured on after the last step (_refuse_diverged_result)
        latest_first_batch: list[Any] = []

        def train_epoch(epoch: int) -> dict[str, float]:
            # seeded per epoch: a resumed epoch draws what it would have drawn in one run
            torch.manual_seed(self._epoch_seed(epoch))
            generator = torch.Generator().manual_seed(self._epoch_seed(epoch))
            module.train()
            total: Any = None
            count = 0
            for batch in batches(epoch, generator):
                if count == 0:
                    latest_first_batch[:] = [batch]
                optimizer.zero_grad(set_to_none=True)
                value = loss(module, batch)
                value.backward()
                optimizer.step()
                # summed on the device: a float() per step would wait for the GPU each time
                total = value.detach() if total is None else total + value.detach()
                count += 1
            mean = float(total) / count if count else 0.0
            self._refuse_diverged(epoch, mean)
            return {"loss": mean}

        def validate_in_eval_mode() -> float:
            assert validate is not None
            module.eval()
            with torch.no_grad():
                return float(validate())

        def snapshot() -> dict[str, Any]:
            return {k: v.detach().clone() for k, v in module.state_dict().items()}

        def checkpoint(epochs_done: int, history: TrainingHistory, best_state: Any) -> None:
            with self._named():
                self._save_checkpoint(module, optimizer, epochs_done, history, best_state)

        started = None if resume_from is not None else parameter_sample(module)
        history = run_epochs(
            train_epoch, epochs=self.epochs, description=description,
            validate=validate_in_eval_mode if validate is not None else None,
            patience=self.patience, snapshot=snapshot, restore=module.load_state_dict,
            progress=progress, resume_from=resume_from,
            after_epoch=checkpoint if self.checkpoint_dir is not None else None)
        module.eval()
        if started and history.epochs and unmoved_since(started, parameter_sample(module)) \
                and gradients_seen(optimizer):
            # learning_rate 1e-30: every optimizer step was below float32's resolution of
            # the weights (a zero-started bias moved to 1e-30, no more), so the random start
            # was served as the model without a word
            hint = self.unmoved_hint() if callable(self.unmoved_hint) else self.unmoved_hint
            raise TrainingFailedError(unmoved_message(self.model, len(history.epochs), hint))
        if latest_first_batch:
            self._refuse_diverged_result(module, latest_first_batch[0], loss,
                                         len(history.epochs) - 1,
                                         first_loss=history.epochs[0].get("loss"))
        return history

    def _refuse_diverged(self, epoch: int, mean: float) -> None:
        """Stop at the first epoch whose mean loss is not finite or beyond ``max_loss``: the
        run went on to its last epoch with a loss of 1.6e+29 (two-tower's temperature=1e-30)
        or 5.8e+15 (LightGCN's learning_rate=1e8), and the model was kept."""
        if math.isfinite(mean) and (self.max_loss is None or mean <= self.max_loss):
            return
        bound = "" if not math.isfinite(mean) or self.max_loss is None else \
            f", beyond {self.max_loss:,.0f}, the most a training that learns reaches"
        who = f"{self.model}: " if self.model is not None else ""
        hint = self.diverged_hint() if callable(self.diverged_hint) else self.diverged_hint
        raise TrainingFailedError(
            f"{who}training diverged in epoch {epoch + 1}: its mean "
            f"training loss is {mean:.3g}{bound}; {hint}")

    def _refuse_diverged_result(self, module: Any, batch: Any,
                                loss: Callable[[Any, Any], Any], epoch: int,
                                first_loss: float | None = None) -> None:
        """Refuse the trained parameters when their own loss, on the first minibatch of the
        last epoch, is not finite or beyond ``max_loss``. Each epoch's loss is measured
        before its steps, so the last step was never checked: with one minibatch per epoch
        and ``epochs=1`` no step was: one Adam step of ``learning_rate=1e8`` moved every
        weight by about 1e8, and Mult-VAE kept scores of 6.9e+09 without a word (at 1e30 its
        numpy scoring kept finite what overflowed float32 in torch). A loss that is not
        finite is refused with ``max_loss`` or without. The measure runs without gradients,
        in evaluation mode, on the RNG state of a forked stream, so a fit that passes ends
        exactly as it did without it. With ``max_loss_growth``, a finite loss that grew
        that many times beyond the first epoch's mean loss is refused too."""
        torch = require_torch()
        with torch.random.fork_rng(), torch.no_grad():
            torch.manual_seed(self._epoch_seed(epoch))
            value = float((self.result_loss or loss)(module, batch))
        within_bound = math.isfinite(value) and (self.max_loss is None
                                                 or value <= self.max_loss)
        grown = self._grown_beyond_start(value, first_loss)
        if within_bound and grown is None:
            return
        who = f"{self.model}: " if self.model is not None else ""
        hint = self.diverged_hint() if callable(self.diverged_hint) else self.diverged_hint
        if within_bound:
            raise TrainingFailedError(
                f"{who}training diverged in {epoch + 1} epoch(s): the loss "
                "of the trained parameters on a minibatch of the training "
                f"data is {value:.3g}, {grown}; {hint}")
        if not math.isfinite(value):
            # from finite data, only values past float32's range (or NaN weights) give this
            raise TrainingFailedError(
                f"{who}training diverged: the loss of the trained parameters "
                f"on a minibatch of the training data is {value:.3g}: their "
                "weights, or the values computed from them, overflow float32 "
                f"or are not numbers; {hint}")
        raise TrainingFailedError(
            f"{who}training diverged in its last steps (epoch {epoch + 1}): "
            f"the loss of the trained parameters on a minibatch of the "
            f"training data is {value:.3g}, beyond {self.max_loss:,.0f}, the "
            f"most a training that learns reaches; {hint}")

    def _grown_beyond_start(self, value: float, first_loss: float | None) -> str | None:
        """How far ``value`` grew past the first epoch's mean loss, when beyond
        ``max_loss_growth`` times it, else None. A start below 1 counts as 1: a warm
        start's loss of 0.01 may wander to 0.2 without having diverged."""
        if self.max_loss_growth is None or first_loss is None \
                or not math.isfinite(first_loss) or first_loss <= 0 \
                or not math.isfinite(value):
            return None
        allowed = self.max_loss_growth * max(first_loss, 1.0)
        if value <= allowed:
            return None
        return (f"{value / first_loss:,.0f} times the first epoch's mean loss of "
                f"{first_loss:.3g} (a training that learns lowers it; at more than "
                f"{allowed:.3g} the weights have grown past any use)")

    # ------------------------------------------------------------------ checkpoints
    @contextmanager
    def _named(self) -> Iterator[None]:
        """Start a checkpoint's refusal with the model's name, as the model's other errors
        start ("checkpoint_dir = ...: ... is a file" named no model, where a blend's or a
        pipeline's several models may each have a folder); its type and fields are kept."""
        try:
            yield
        except RecstackError as error:
            prefix = f"{self.model}: "
            if self.model is not None and error.args and isinstance(error.args[0], str) \
                    and not error.args[0].startswith(prefix):
                error.args = (prefix + error.args[0], *error.args[1:])
            raise

    def _epoch_seed(self, epoch: int) -> int:
        return (self.seed * 1_000_003 + epoch) % 2**63

    def _fingerprint(self) -> str:
        text = json.dumps(self.config | {"seed": self.seed}, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def _save_checkpoint(self, module: Any, optimizer: Any, epochs_done: int,
                         history: TrainingHistory, best_state: dict[str, Any] | None) -> None:
        from safetensors.torch import save_file

        folder = self._checkpoint_folder()
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=_work_prefix(folder), dir=folder.parent))
        except (FileExistsError, NotADirectoryError):
            raise RecstackError(f"checkpoint_dir = {self.checkpoint_dir!r}: cannot make "
                                f"{folder.parent}: {blocking_parent(folder)}") from None
        except OSError as error:  # no permission, a read-only or full disk
            raise RecstackError(f"checkpoint_dir = {self.checkpoint_dir!r}: cannot write in "
                                f"{folder.parent} ({error.strerror or error}); name a folder "
                                "you can write to") from None
        try:
            save_file(_contiguous(module.state_dict()), staging / _MODULE)
            if best_state is not None:
                save_file(_contiguous(best_state), staging / _BEST)
            optimizer_tensors, optimizer_meta = _flatten_optimizer(optimizer.state_dict())
            save_file(optimizer_tensors, staging / _OPTIMIZER)
            state = {
                "format": CHECKPOINT_FORMAT, "fingerprint": self._fingerprint(),
                "model": self.model, "config": self.config, "epochs_done": epochs_done,
                # an epoch that never validated records NaN, which strict JSON (the
                # reader) refuses: such a checkpoint could not be resumed
                "history": {"epochs": [{name: _json_number(value) for name, value
                                        in numbers.items()} for numbers in history.epochs],
                            "best_epoch": history.best_epoch,
                            # None: no epoch validated yet (-inf); a score of +inf
                            # was written as None too, and resumed as none at all
                            "best_score": None if history.best_epoch is None
                            else _json_number(history.best_score),
                            "stopped_early": history.stopped_early},
                "optimizer": optimizer_meta,
            }
            (staging / _STATE).write_text(json.dumps(state, indent=2, default=str,
                                                     allow_nan=False))
            old = _old_folder(folder)
            if folder.exists():
                os.replace(folder, old)
            os.replace(staging, folder)
            if os.path.lexists(old):
                # renamed out of the way before it is removed: a process killed while
                # removing it leaves a staging-like folder (removed on the next start),
                # never a NAME.old that a later start, finding NAME deleted by the user
                # to start afresh, would resume from
                retired = Path(tempfile.mkdtemp(prefix=_work_prefix(folder),
                                                dir=folder.parent))
                os.replace(old, retired)
                shutil.rmtree(retired, ignore_errors=True)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def _load_checkpoint(self, module: Any, optimizer: Any
                         ) -> tuple[int, TrainingHistory, dict[str, Any] | None] | None:
        from safetensors.torch import load_file

        folder = self._checkpoint_folder()
        _remove_dead_writers_work(folder)
        old = _old_folder(folder)
        if os.path.lexists(folder) and not old.is_symlink() and old.is_dir() \
                and (folder / _STATE).is_file():
            # NAME is complete: a NAME.old beside it is the previous epoch, left by a
            # process killed before removing it (an older recstack), and must not be
            # resumed from once NAME is deleted to start afresh
            shutil.rmtree(old, ignore_errors=True)
        elif not os.path.lexists(folder) and not old.is_symlink() \
                and (old / _STATE).is_file():
            # an epoch's swap stopped between its two renames (the process was killed): the
            # last complete checkpoint is under NAME.old, and the run started afresh
            os.replace(old, folder)
        if not (folder / _STATE).is_file():
            return None
        try:
            return self._read_checkpoint(folder, module, optimizer, load_file)
        except RecstackError:
            raise
        except Exception as error:  # torch raises its own
            raise RecstackError(f"{folder}: not a readable checkpoint ({type(error).__name__}: "
                                f"{str(error).splitlines()[0] if str(error) else ''}); remove "
                                "the folder to start training afresh") from None

    def _checkpoint_folder(self) -> Path:
        """``checkpoint_dir`` as a path, refused when a checkpoint must not go there: each
        epoch replaces the whole folder, so it must be a folder of its own."""
        folder = checked_path(self.checkpoint_dir, "checkpoint_dir")
        if folder.name in ("", ".", ".."):
            raise RecstackError(f"checkpoint_dir = {self.checkpoint_dir!r}: name a folder of "
                                "its own, e.g. 'checkpoints/run-1' (each epoch replaces it "
                                "whole)")
        # anything there but a folder: a file, a pipe, a link that leads nowhere (the
        # operating system's NotADirectoryError when the first epoch replaced it) or loops
        if os.path.lexists(folder):
            problem = folder_problem(folder)
        else:
            too_long = name_too_long(folder)
            problem = None if too_long is None else f"is {too_long}"
        if problem is not None:
            raise RecstackError(f"checkpoint_dir = {self.checkpoint_dir!r}: {folder} "
                                f"{problem}; name a folder for the checkpoints")
        outer = next((parent for parent in folder.absolute().parents
                      if (parent / _STATE).is_file() and (parent / _MODULE).is_file()), None)
        if outer is not None:
            # a folder inside another run's checkpoint: that run's next epoch replaced its
            # folder whole, and this run's checkpoints went with it without a word
            raise RecstackError(f"checkpoint_dir = {self.checkpoint_dir!r}: {folder} lies "
                                f"inside the checkpoint folder {outer}, which each epoch of "
                                "its run replaces whole (this run's checkpoints would be "
                                "deleted with it); name a folder outside it")
        if folder.is_dir() and not (folder / _STATE).is_file() and any(folder.iterdir()):
            if {entry.name for entry in folder.iterdir()} <= {_MODULE, _BEST, _OPTIMIZER}:
                # said to be "files that are not a recstack checkpoint"
                raise RecstackError(
                    f"checkpoint_dir = {self.checkpoint_dir!r}: {folder} holds a recstack "
                    f"checkpoint without its {_STATE} (damaged, or copied in part), so it "
                    "cannot be resumed; remove the folder to start training afresh")
            raise RecstackError(f"checkpoint_dir = {self.checkpoint_dir!r}: {folder} holds "
                                "files that are not a recstack checkpoint, and each epoch "
                                "replaces the whole folder; name a new or empty folder")
        return folder

    def _read_checkpoint(self, folder: Path, module: Any, optimizer: Any, load_file: Any
                         ) -> tuple[int, TrainingHistory, dict[str, Any] | None]:
        # a hand edit: a key written twice, or a bare NaN, was read without a word. An empty
        # file, one cut short or in another encoding were named in Python's words
        # ("JSONDecodeError: Expecting value: line 1 column 1 (char 0)"); an editor's
        # byte-order mark is no part of the JSON, as a saved model's metadata reads it
        text = read_json_text(folder / _STATE, f"the checkpoint is damaged: {_AFRESH}",
                              RecstackError)
        try:
            state = strict_json.loads(text)
        except json.JSONDecodeError as error:  # a truncated or edited file
            raise RecstackError(f"{folder}: not a readable checkpoint: its {_STATE} is not "
                                f"valid JSON ({json_syntax_problem(error)}); it was cut short "
                                f"or edited: {_AFRESH}") from None
        except ValueError as error:  # a key twice, a NaN, an integer of endless digits
            raise RecstackError(f"{folder}: not a readable checkpoint: its {_STATE} is not "
                                f"valid JSON ({error}); it was edited: {_AFRESH}") from None
        except RecursionError:
            raise RecstackError(f"{folder}: not a readable checkpoint: its {_STATE} is JSON "
                                f"nested too deeply; it was edited: {_AFRESH}") from None
        if not isinstance(state, dict):
            raise RecstackError(f"{folder / _STATE}: expected a JSON object, got "
                                f"{json_kind(state)}; remove the folder to start "
                                "training afresh")
        lacking = [key for key in _STATE_KEYS if key not in state]
        if lacking:
            # read as "not a readable checkpoint (KeyError: 'history')"
            raise RecstackError(f"{folder / _STATE}: lacks {', '.join(map(repr, lacking))}; "
                                f"the checkpoint was edited or is damaged: {_AFRESH}")
        if state.get("format") != CHECKPOINT_FORMAT:
            raise RecstackError(f"{folder}: checkpoint format {state.get('format')!r}, "
                                f"expected {CHECKPOINT_FORMAT}")
        made_by = _checkpoint_model(state)
        if made_by is not None and self.model is not None and made_by != self.model:
            # every setting of another model differs: say whose checkpoint it is instead
            raise RecstackError(
                f"{folder}: this checkpoint was made by the model {made_by!r}, not "
                f"{self.model!r}; use another checkpoint folder for {self.model}, or resume "
                f"it with {made_by}")
        if state.get("fingerprint") != self._fingerprint():
            recorded_config = state.get("config")
            recorded_config = recorded_config if isinstance(recorded_config, dict) else {}
            changed = sorted(k for k in set(recorded_config) | set(self.config)
                             if recorded_config.get(k) != self.config.get(k))
            # which settings, with both values, and whether it is the data that differs:
            # "use the same configuration" did not say what to change, and for other
            # training rows (a checkpoint folder reused for the next run) there is none
            described = [f"{k} (the training rows differ)" if k in _DATA_KEYS else
                         _start_difference(recorded_config.get(k), self.config.get(k))
                         if k == WARM_START_KEY else
                         f"{k}: {shown(recorded_config.get(k))} there, "
                         f"{shown(self.config.get(k))} here" for k in changed]
            data = any(k in _DATA_KEYS for k in changed)
            settings = any(k not in _DATA_KEYS and k != WARM_START_KEY for k in changed)
            remedy = ("use another checkpoint folder for this run (or remove this one), or "
                      + ("fit on the data it was made with" if data and not settings else
                         "fit with the checkpoint's settings and data" if data else
                         "fit with the checkpoint's settings" if settings else
                         "start as it started (fit, or fit_from the model it names)"))
            raise RecstackError(
                f"{folder}: this checkpoint was made with another model configuration "
                f"(differs in: {'; '.join(described[:4]) or 'seed'}"
                f"{'...' if len(described) > 4 else ''}); {remedy}")
        tensors = _read_tensors(folder / _MODULE, load_file)
        # torch's refusal's first line ("Error(s) in loading state_dict for EgoEmbeddings:")
        # named neither the tensor nor the shapes
        mismatch = _shape_mismatch(module, tensors)
        if mismatch is not None:
            raise RecstackError(f"{folder / _MODULE}: the checkpoint's weights do not fit this "
                                f"model ({mismatch}); the checkpoint was edited or is "
                                f"damaged: {_AFRESH}")
        try:
            module.load_state_dict(tensors)
        except RuntimeError as error:
            raise RecstackError(f"{folder}: checkpoint does not fit this model: "
                                f"{str(error).splitlines()[0]}") from None
        recorded = state["history"]
        done = state["epochs_done"]
        if type(done) is not int or not 0 <= done or not isinstance(recorded, dict) \
                or not isinstance(recorded.get("epochs"), list) \
                or done != len(recorded["epochs"]):
            # a hand edit: -3 trained from "epoch -3", 1.5 read as 1, a huge count skipped
            # training, none of them said a word
            raise RecstackError(
                f"{folder}: epochs_done is {done!r} but the checkpoint's history records "
                f"{_epochs_recorded(recorded)} epoch(s); the checkpoint was edited or is "
                "damaged: remove the folder to start training afresh")
        if done > self.epochs:
            # epochs lowered below the checkpoint's: nothing was left to train, and the
            # model came back trained for the checkpoint's epochs, not the ones asked for
            raise RecstackError(
                f"{folder}: this checkpoint has finished {done} epochs, more than epochs = "
                f"{self.epochs}, and its weights cannot be taken back to epoch "
                f"{self.epochs}; fit with epochs >= {done} to resume it (epochs = {done} "
                f"returns its model), or use another checkpoint folder (or remove this "
                f"one) to train {self.epochs} epoch(s) afresh")
        history = _read_history(folder / _STATE, recorded, done)
        optimizer_tensors = _read_tensors(folder / _OPTIMIZER, load_file)
        problem = _optimizer_mismatch(optimizer, optimizer_tensors, done)
        if problem:
            raise RecstackError(f"{folder}: the optimizer state does not fit this model "
                                f"({problem}); remove the folder to start training afresh")
        optimizer.load_state_dict(_unflatten_optimizer(optimizer_tensors, state["optimizer"]))
        best = (_read_tensors(folder / _BEST, load_file)
                if os.path.lexists(folder / _BEST) else None)
        if best is not None:
            # restored only after the last epoch, where a mismatch was a RuntimeError
            wanted = {name: tuple(v.shape) for name, v in module.state_dict().items()}
            found = {name: tuple(v.shape) for name, v in best.items()}
            if found != wanted:
                differ = sorted(set(wanted) ^ set(found)) or sorted(
                    name for name in wanted if wanted[name] != found[name])
                raise RecstackError(f"{folder}: the best epoch's weights do not fit this "
                                    f"model (e.g. {differ[0]!r}); remove the folder to start "
                                    "training afresh")
        return int(state["epochs_done"]), history, best


#: the entries of a model's checkpoint configuration that describe the training data
_DATA_KEYS = frozenset({"data", "training_sequences", "n_users", "n_items"})
#: what every checkpoint's state.json holds (``model`` and ``config`` are older additions)
_STATE_KEYS = ("format", "fingerprint", "epochs_done", "history", "optimizer")
_AFRESH = "remove the folder to start training afresh"
#: how numbers JSON cannot hold (an epoch that never validated: NaN) are written
_NON_FINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def _start_difference(there: Any, here: Any) -> str:
    """How a checkpoint's start and this run's differ (:data:`WARM_START_KEY`: None for a
    fresh fit, else the label of the model a warm start began from)."""
    if there is None:
        return (f"{WARM_START_KEY} (the checkpoint is of a fresh fit; this run warm-starts "
                f"from {here})")
    if here is None:
        return (f"{WARM_START_KEY} (the checkpoint is of a warm start from {there}; this run "
                "is a fresh fit)")
    return (f"{WARM_START_KEY} (the checkpoint warm-started from {there}; this run from "
            f"{here})")


def _json_number(value: Any) -> Any:
    """An epoch's number as JSON holds it: a non-finite float as its text ("nan")."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def _read_tensors(path: Path, load_file: Any) -> dict[str, Any]:
    """The tensors of one checkpoint file, or a refusal naming the file: a truncated or
    missing one was "not a readable checkpoint" of the folder, with safetensors' words."""
    if not os.path.lexists(path):
        raise RecstackError(f"{path}: missing from the checkpoint (damaged, or copied in "
                            f"part): {_AFRESH}")
    try:
        return load_file(path)
    except Exception as error:  # safetensors' SafetensorError, an OSError
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise RecstackError(f"{path}: not a readable safetensors file ({reason}; truncated "
                            f"or damaged?): {_AFRESH}") from None


def _read_history(path: Path, recorded: dict[str, Any], done: int) -> TrainingHistory:
    """The training history of a checkpoint's state.json, refused when a field is not
    what the trainer writes: a hand-edited best_epoch of "x", a best score of "nan" or a
    stopped_early of 3 were taken, and failed inside the loop (comparing a score with
    text) or ended training early, or were returned as the model's history."""
    def refuse(what: str) -> RecstackError:
        return RecstackError(f"{path}: history {what}; the checkpoint was edited or is "
                             f"damaged: {_AFRESH}")

    epochs = []
    for at, numbers in enumerate(recorded["epochs"]):
        if not isinstance(numbers, dict) or not numbers:
            raise refuse(f"epoch {at} is {numbers!r}, not the epoch's numbers "
                         '({"loss": ...})')
        read = {}
        for name, value in numbers.items():
            if isinstance(value, str) and value in _NON_FINITE:
                value = _NON_FINITE[value]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise refuse(f"epoch {at}: {name!r} is {value!r}, not a number")
            read[name] = float(value)
        epochs.append(read)
    best_epoch, best_score = recorded.get("best_epoch"), recorded.get("best_score")
    if best_epoch is not None and (type(best_epoch) is not int
                                   or not 0 <= best_epoch < done):
        raise refuse(f"best_epoch is {best_epoch!r}, not None or an epoch in [0, {done})")
    if best_score == "inf":
        best_score = math.inf  # as _json_number writes it
    if best_score is not None and (isinstance(best_score, bool)
                                   or not isinstance(best_score, int | float)
                                   or math.isnan(best_score) or best_score == -math.inf):
        raise refuse(f"best_score is {best_score!r}, not None or a number")
    if (best_epoch is None) != (best_score is None):
        raise refuse(f"best_epoch is {best_epoch!r} but best_score is {best_score!r} (both "
                     "or neither are recorded)")
    stopped_early = recorded.get("stopped_early", False)
    if not isinstance(stopped_early, bool):
        raise refuse(f"stopped_early is {stopped_early!r}, not true or false")
    return TrainingHistory(
        epochs=epochs, best_epoch=best_epoch,
        best_score=-math.inf if best_score is None else float(best_score),
        stopped_early=stopped_early)


def _shape_mismatch(module: Any, tensors: dict[str, Any]) -> str | None:
    """The first tensor of a checkpoint that ``module`` lacks, misses or holds in another
    shape, said with both shapes; None when every name and shape fits."""
    wanted = {name: tuple(value.shape) for name, value in module.state_dict().items()}
    found = {name: tuple(value.shape) for name, value in tensors.items()}
    for name in wanted:
        if name not in found:
            return f"it lacks the tensor {name!r}"
        if found[name] != wanted[name]:
            return f"tensor {name!r} has shape {found[name]}, this model's {wanted[name]}"
    extra = sorted(set(found) - set(wanted))
    return f"it holds the tensor {extra[0]!r}, which this model has not" if extra else None


def _checkpoint_model(state: dict[str, Any]) -> str | None:
    """The name of the model that made a checkpoint: recorded under ``model`` (and, by
    SASRec's older checkpoints, in their configuration); None when it was not recorded
    (older checkpoints of the other models), which are then read as before."""
    made_by = state.get("model")
    if made_by is None and isinstance(state.get("config"), dict):
        made_by = state["config"].get("model")
    return made_by if isinstance(made_by, str) else None


def _epochs_recorded(recorded: Any) -> str:
    epochs = recorded.get("epochs") if isinstance(recorded, dict) else None
    return str(len(epochs)) if isinstance(epochs, list) else "no list of"


def _optimizer_mismatch(optimizer: Any, tensors: dict[str, Any], epochs_done: int
                        ) -> str | None:
    """What is wrong with a checkpoint's optimizer tensors for ``optimizer``, or None: each
    is ``"<parameter number>.<name>"`` for a parameter the optimizer has, of that
    parameter's shape unless a scalar (a step count); after an epoch there is some state.
    torch loads any of these without a check and fails in the next step instead (or, with
    no state at all, silently restarts the optimizer)."""
    params = [param for group in optimizer.param_groups for param in group["params"]]
    if epochs_done > 0 and not tensors:
        return "it is empty, after an epoch of training"
    for name, tensor in tensors.items():
        number, _, key = name.partition(".")
        if not number.isdigit() or not key or int(number) >= len(params):
            return f"{name!r} names no parameter of the {len(params)} this model has"
        wanted = tuple(params[int(number)].shape)
        if tensor.ndim and tuple(tensor.shape) != wanted:
            return f"{name!r} has shape {tuple(tensor.shape)}, its parameter {wanted}"
    return None


def _work_prefix(folder: Path) -> str:
    """The name prefix of the staging folders the writing process makes beside the
    checkpoint ``folder``: ``.NAME.<pid>.``, so that a later start can tell those of a
    process that is gone (killed while writing an epoch) and remove them. ``NAME`` is
    :func:`_work_stem`: shortened where the folder's own name leaves no room."""
    return f".{_work_stem(folder)}.{os.getpid()}."


def _old_folder(folder: Path) -> Path:
    """Where an epoch sets the previous checkpoint aside while the new one is renamed in:
    ``NAME.old``, or ``START~HASH.old`` (:func:`_work_stem`) for a name too long for it."""
    return folder.with_name(f"{_work_stem(folder)}.old")


#: the most bytes a work name adds to the folder's: a staging folder's ".", "." and a
#: process id of up to 10 digits, "." and tempfile's 8 random characters (``NAME.old``
#: adds fewer)
_WORK_NAME_EXTRA = len(f"..{'9' * 10}.{'x' * 8}")


def _work_stem(folder: Path) -> str:
    """The checkpoint folder's name as its staging folders and ``NAME.old`` hold it: the
    name itself where those fit the file system's limits, else ``START~HASH``
    (:func:`recstack.atomic.fitting_stem`), the same for every run on the folder."""
    return fitting_stem(folder, _WORK_NAME_EXTRA)


def _remove_dead_writers_work(folder: Path) -> None:
    """Remove the staging folders beside ``folder`` (``.NAME.<pid>.*``) left by writers
    that are no longer running: a process killed while writing an epoch left one, which
    nothing else would ever remove. Those of a running process (another run on the same
    folder) are left alone."""
    try:
        entries = list(folder.parent.iterdir())
    except OSError:
        return
    stem = _work_stem(folder)
    for entry in entries:
        parts = entry.name[len(stem) + 2:].split(".", 1) \
            if entry.name.startswith(f".{stem}.") else []
        if len(parts) != 2 or not parts[0].isdigit() or entry.is_symlink() \
                or not entry.is_dir():
            continue
        pid = int(parts[0])
        if pid == os.getpid() or _running(pid):
            continue
        shutil.rmtree(entry, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process, or a number no process can have: keep it
    return True


def _contiguous(tensors: dict[str, Any]) -> dict[str, Any]:
    return {k: v.detach().contiguous().cpu() for k, v in tensors.items()}


def _flatten_optimizer(state_dict: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Tensors of an optimizer's state to a flat dict for safetensors; the rest to JSON."""
    import torch

    tensors: dict[str, Any] = {}
    scalars: dict[str, dict[str, Any]] = {}
    for param_id, per_param in state_dict["state"].items():
        for key, value in per_param.items():
            if isinstance(value, torch.Tensor):
                tensors[f"{param_id}.{key}"] = value.detach().contiguous().cpu()
            else:
                scalars.setdefault(str(param_id), {})[key] = value
    return tensors, {"param_groups": state_dict["param_groups"], "scalars": scalars}


def _unflatten_optimizer(tensors: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    state: dict[int, dict[str, Any]] = {}
    for name, value in tensors.items():
        param_id, key = name.split(".", 1)
        state.setdefault(int(param_id), {})[key] = value
    for param_id, values in meta["scalars"].items():
        state.setdefault(int(param_id), {}).update(values)
    return {"state": state, "param_groups": meta["param_groups"]}


def float32_copy(tensor: Any) -> np.ndarray:
    """A tensor's values as a C-ordered float32 numpy array of their own: ``numpy()`` of a
    CPU tensor shares its memory, which further training would change."""
    return np.array(tensor.detach().cpu().numpy(), dtype=np.float32, order="C", copy=True)
