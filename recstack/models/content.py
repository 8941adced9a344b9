"""Content-based recommendation from item text: TF-IDF item vectors and user profiles.

Items are described by the text of their ``item_table``; a user is the weighted mean of the
vectors of the items they interacted with; an item's score is its cosine with that
profile. Items nobody has interacted with yet are scored like any other, which is what a
content model is for (build the data with ``keep_unseen_items=True`` so the catalog holds
them). scikit-learn does the tokenising and weighting (``pip install "recstack[content]"``);
it is needed only to fit and to vectorise new items, not to score a loaded model.
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recstack.data.interactions import Interactions, caller_stacklevel
from recstack.errors import ConfigError, RecstackError, counted, shown, shown_given, shown_ids
from recstack.models.base import (
    NOT_GIVEN,
    Param,
    Recommender,
    check_call,
    history_weights,
)
from recstack.models.persistence import (
    ArraySpec,
    SparseSpec,
    sparse_from_state,
    sparse_state,
)
from recstack.models.registry import register
from recstack.models.text_features import (
    check_item_rows,
    item_documents,
    refuse_boolean_text,
    refuse_near_columns,
    saved_columns_problem,
    saved_terms_problem,
    sklearn_text,
    warn_undescribed_items,
    warn_unknown_genres,
)
from recstack.progress import Progress, resolve

#: item-table columns read as text, in this order, whichever the table has
TEXT_COLUMNS = ("title", "genres", "tags", "description")


@register
class ContentBased(Recommender):
    r"""TF-IDF content-based recommender.

    Each item's document is the text of the item-table columns it has among
    :data:`TEXT_COLUMNS`: ``title``; ``genres`` (a list of names, or ``"A|B"`` text), each
    genre becoming one token ``genre_<name>`` (``"Sci-Fi"`` -> ``genre_sci_fi``) so that a
    genre is not confused with the same word in a title; ``tags`` (MovieLens releases with a
    tags file); ``description`` (the synthetic dataset). Other columns are ignored.
    :class:`sklearn.feature_extraction.text.TfidfVectorizer` turns the documents into
    L2-normalised vectors :math:`v_i` with log-scaled term frequencies (``sublinear_tf``: a
    tag applied by hundreds of users must not drown the title) and smoothed idf,
    :math:`\mathrm{idf}(t) = \ln\frac{1 + n}{1 + \mathrm{df}(t)} + 1`.

    A user's profile is the weighted mean of the vectors of the items in their history,
    and an item's score is the cosine between the profile and the item's vector:

    .. math:: p_u = \frac{\sum_{i \in I_u} w_{ui} v_i}{\sum_{i \in I_u} w_{ui}}, \qquad
              \hat r_{uj} = \frac{p_u \cdot v_j}{\lVert p_u \rVert \, \lVert v_j \rVert}

    with :math:`w_{ui} \ge 0` the interaction value (1 when ``binary``; negative values are
    refused, in training rows and histories alike); the cosine does not
    depend on the :math:`1 / \sum w` scale. Cosines lie in [0, 1]; an item with no text, or a
    user with no history, scores 0.

    With ``interaction_weight`` :math:`\alpha > 0` the item vector is the hybrid
    :math:`[v_i, \alpha\, x_i / \lVert x_i \rVert]`, L2-normalised, where :math:`x_i` is the
    item's 0/1 column of training interactions: items are then also alike when the same
    users have them, and the model can run on data without an item table (collaborative
    only). Items without interactions keep their text part.

    With ``popularity_weight`` :math:`\beta > 0` a log-popularity prior is added to the
    cosine,

    .. math:: \hat r_{uj} = \cos(p_u, v_j) + \beta\, \frac{\ln(1 + n_j)}{\ln(1 + \max_k n_k)}

    with :math:`n_j` the number of training users of item :math:`j`: the text decides
    between items of similar popularity, the prior between a well-matched obscure item and a
    well-matched popular one. Purely textual similarity ranks poorly against popularity on
    data where most test interactions go to popular items (MovieLens: nDCG@10 0.03-0.05
    against most-popular's 0.14-0.23); tuned on validation data, the prior lifts the model
    above most-popular (``benchmarks/RESULTS.md``). Items nobody has interacted with get a
    prior of 0 and are still ranked by their text; keep :math:`\beta = 0` (the default) to
    rank cold items on the same footing as popular ones.

    Attributes
    ----------
    item_features_ : scipy.sparse.csr_matrix
        ``n_items x n_features`` float32, rows L2-normalised (or zero): the TF-IDF columns
        first, then (with ``interaction_weight``) one column per training user.
    vocabulary_ : numpy.ndarray
        The TF-IDF terms (unicode), in column order.
    idf_ : numpy.ndarray
        Their inverse document frequencies.
    popularity_prior_ : numpy.ndarray
        :math:`\ln(1 + n_j) / \ln(1 + \max_k n_k)` per item, float32 in [0, 1].

    References
    ----------
    P. Lops, M. de Gemmis, G. Semeraro. "Content-based Recommender Systems: State of the
    Art and Trends". Recommender Systems Handbook, 2011.
    """

    name = "content"
    places_items_by_content = True
    params: ClassVar[dict[str, Param]] = {
        "min_df": Param(int, low=1, default=1,
                        doc="Ignore terms found in fewer than this many item documents."),
        "max_features": Param(int, low=1, optional=True, default=None,
                              doc="Keep only the most frequent terms (all when None)."),
        "stop_words": Param(str, choices=("english",), optional=True, default="english",
                            doc="'english' drops English stop words; None keeps every word."),
        "binary": Param(bool, default=False,
                        doc="Weight every history item 1 instead of by its interaction value.",
                        search={"type": "categorical", "choices": [True, False]}),
        "interaction_weight": Param((int, float), low=0, default=0.0,
                                    doc="alpha above; 0 is purely content-based."),
        "popularity_weight": Param((int, float), low=0, default=0.0,
                                   doc="beta above; 0 uses no popularity.",
                                   search={"type": "float", "low": 0.0, "high": 4.0}),
    }

    # ------------------------------------------------------------------ training
    def _weights_by_values(self) -> bool:
        return not self.binary  # binary: every recorded pair is 1, whatever its value

    def _multiplies_values_together(self) -> bool:
        return False  # a profile is values x item features, then normalised: scale-free

    def _values_role(self) -> str:
        return "with binary=False this model weights the interactions by their values"

    def _refuses_negative_values(self) -> bool:
        # binary: a dislike would count as an interaction; weighted: the profile is a
        # weighted mean, which a negative weight turns into no mean at all (the weights
        # can sum to 0, and a user of dislikes only got the opposite of their items)
        return True

    def _negative_values_reason(self) -> str:
        if self.binary:
            return super()._negative_values_reason()
        return ("with binary=False a user's profile is the mean of their items' vectors "
                "weighted by the values, where a negative weight has no meaning (the "
                "weights can sum to 0); give values >= 0 (e.g. shift ratings to start at 0)")

    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        table = train.item_table
        if table is not None:
            refuse_near_columns(table, TEXT_COLUMNS, self.name)
            refuse_boolean_text(table, self.name)
        columns = [] if table is None else [c for c in TEXT_COLUMNS if c in table.columns]
        if not columns and self.interaction_weight == 0:
            # its columns listed, or counted when too many to read (thousands of feature
            # columns were all written out)
            listed = [] if table is None else list(table.columns)
            has = (shown_given(listed) if shown_given(listed) == shown(listed)
                   else counted(len(listed), "column"))
            what = ("no item table" if table is None
                    else f"an item table without text columns (it has {has})")
            raise RecstackError(
                f"content: these interactions have {what}; the model reads "
                f"{', '.join(TEXT_COLUMNS)} (build them with item_table=..., e.g. "
                f"load_movielens or the synthetic dataset), or set interaction_weight > 0 "
                f"to describe items by their interactions instead")
        with resolve(progress).task("content: item features", total=2) as task:
            if columns:
                assert table is not None
                if self.min_df > len(table):
                    # scikit-learn's "max_df corresponds to < documents than min_df" named
                    # a max_df the model does not have
                    raise ConfigError(
                        f"content: min_df={self.min_df} is more than the {len(table):,} item "
                        "documents of the item table (one per item), so no term could be "
                        f"kept; use min_df <= {len(table):,}")
                vectorizer = _tfidf_vectorizer()(
                    min_df=self.min_df, max_features=self.max_features,
                    stop_words=self.stop_words, sublinear_tf=True, dtype=np.float32)
                try:
                    text = vectorizer.fit_transform(item_documents(table, columns))
                except ValueError as error:  # e.g. "empty vocabulary"
                    self._refuse_min_df_above_terms(table, columns)
                    raise RecstackError(f"content: cannot build TF-IDF features from the "
                                        f"item table's {_blank_counts(table, columns)}: "
                                        f"{error}{_first_document(table, columns)}; fill "
                                        "in those columns"
                                        + ("" if self.min_df == 1 else
                                           f", lower min_df (now {self.min_df})")
                                        + ", or set interaction_weight > 0 to describe items "
                                        "by their interactions instead") from None
                self._refuse_no_trained_text(text, table, train)
                self._warn_text_tells_no_item_apart(text, table, columns)
                self.vocabulary_ = np.asarray(vectorizer.get_feature_names_out(), dtype=str)
                self.idf_ = np.asarray(vectorizer.idf_, dtype=np.float64)
            else:
                text = sp.csr_matrix((train.n_items, 0), dtype=np.float32)
                self.vocabulary_ = np.empty(0, dtype=str)
                self.idf_ = np.empty(0, dtype=np.float64)
            self.text_columns_ = np.asarray(columns, dtype=str)
            task.advance()
            self.item_features_ = self._with_interactions(sp.csr_matrix(text, dtype=np.float32))
            self.popularity_prior_ = _log_popularity(self.seen_)
            task.advance()
        self._warn_prior_drowns_text()
        self._index_features()

    def _warn_prior_drowns_text(self) -> None:
        """Warn when ``popularity_weight`` is so large that float32, in which scores are
        summed, cannot hold the text part beside it: where float32's step at the largest
        prior (weight x the largest log-popularity) is above the largest cosine (1), adding
        any cosine moves the most popular items' scores by at most one step, so every
        user got the popularity order (``popularity_weight = 1e30``) without a word."""
        if not self.popularity_weight or not len(self.popularity_prior_):
            return
        largest_prior = np.float32(self.popularity_weight) * self.popularity_prior_.max()
        step = float(np.spacing(largest_prior))
        if step <= _LARGEST_COSINE:
            return
        # the largest weight whose prior float32 still steps by at most 1: just under 2**24
        # (24 significant bits), divided by the largest log-popularity
        most = _FLOAT32_UNIT_STEP_LIMIT / float(self.popularity_prior_.max())
        warnings.warn(
            f"content: popularity_weight = {shown(self.popularity_weight)} makes the "
            f"popularity prior of the most popular items {float(largest_prior):.3g}, where "
            f"float32 (the scores' type) steps by {step:.3g}, more than the largest text "
            "score (a cosine, at most 1): the text part is lost and every user gets the "
            f"popularity order; use popularity_weight below {most:.3g} (the search range "
            "is 0 to 4), or a most-popular model for the popularity order alone",
            stacklevel=caller_stacklevel())

    def _refuse_min_df_above_terms(self, table: pd.DataFrame, columns: list[str]) -> None:
        """Refuse a ``min_df`` that no term of the item table reaches, with the largest
        value that keeps one: scikit-learn's "After pruning, no terms remain. Try a lower
        min_df or a higher max_df" named a max_df the model does not have, and no value
        that works. Nothing is raised when the text holds no term at all (then min_df is
        not the cause)."""
        if self.min_df == 1:
            return
        counter = _count_vectorizer()(binary=True, stop_words=self.stop_words)
        try:
            counts = counter.fit_transform(item_documents(table, columns))
        except ValueError:  # no term at any min_df: said by the caller
            return
        most = int(counts.sum(axis=0).max())
        if most >= self.min_df:
            return
        label = "column" if len(columns) == 1 else "columns"
        raise ConfigError(
            f"content: min_df={self.min_df} keeps no term: none of the "
            f"{counts.shape[1]:,} terms of the item table's {label} "
            f"{', '.join(map(repr, columns))} is in that many item documents (the most any "
            f"term is in: {most:,} of {len(table):,}); use min_df <= {most:,}")

    def _refuse_no_trained_text(self, text: sp.csr_matrix, table: pd.DataFrame,
                                train: Interactions) -> None:
        """Refuse an item table whose text describes none of the items with training rows
        (without ``interaction_weight``): every user's profile was then the zero vector and
        every score 0, a model that ranks nothing, fitted without a word. It is what an item
        table keyed by other ids gives (item numbers where the interactions have codes,
        with ``keep_unseen_items=True`` adding its rows as items of their own)."""
        if self.interaction_weight != 0:
            return
        trained = np.flatnonzero(np.diff(sp.csc_matrix(self.seen_).indptr) > 0)
        described = np.diff(sp.csr_matrix(text).indptr) > 0
        if len(trained) == 0 or described[trained].any():
            return
        with_text = np.flatnonzero(described)
        ids = np.asarray(train.items.external_ids, dtype=object)
        documents = item_documents(table.iloc[trained], [c for c in TEXT_COLUMNS
                                                         if c in table.columns])
        written = [row for row, text in enumerate(documents) if text.strip()]
        if written:
            # the items have text, only no term of it was kept: asking whether the table
            # was keyed by other ids sent the user to a table that was right
            row = written[0]
            raise RecstackError(
                f"content: none of the {len(trained):,} items with training rows (e.g. "
                f"{ids[trained[:3]].tolist()}) has a term of the model's vocabulary in its text "
                f"({len(written):,} of them have text, e.g. item {shown(ids[trained[row]])} "
                f"reads {documents[row]!r:.60}): {self._dropped_terms_said()}; only items "
                f"without training rows do (e.g. {ids[with_text[:3]].tolist()}), so every "
                "user's profile would be empty and every score 0; "
                f"{self._kept_terms_remedy()}, or set interaction_weight > 0 to describe "
                "items by their interactions")
        raise RecstackError(
            f"content: none of the {len(trained):,} items with training rows (e.g. "
            f"{ids[trained[:3]].tolist()}) has text in the item table's "
            f"{', '.join(repr(c) for c in TEXT_COLUMNS if c in table.columns)}; only items without "
            f"training rows do (e.g. {ids[with_text[:3]].tolist()}), so every user's profile "
            "would be empty and every score 0. Is the item table keyed by other ids than "
            "the interactions (item numbers for codes)? Key it by the interactions' item "
            "ids, or set interaction_weight > 0 to describe items by their interactions")

    def _dropped_terms_said(self) -> str:
        """Which words of an item's text the TF-IDF vocabulary leaves out, under this
        model's settings (an item whose every word is one of them has the zero vector)."""
        dropped = ["words of one character"]
        if self.stop_words is not None:
            dropped.insert(0, "English stop words ('the', 'of', 'same'...)")
        if self.min_df > 1:
            dropped.append(f"terms in fewer than min_df = {self.min_df} item documents")
        if self.max_features is not None:
            dropped.append(f"terms beyond the max_features = {self.max_features} most "
                           "frequent")
        return "the vocabulary leaves out " + ", ".join(dropped[:-1]) + " and " + dropped[-1]

    def _kept_terms_remedy(self) -> str:
        """What keeps more of the items' words (the settings that dropped them first)."""
        remedies = []
        if self.max_features is not None:
            remedies.append(f"raise max_features (now {self.max_features})")
        if self.min_df > 1:
            remedies.append(f"lower min_df (now {self.min_df})")
        if self.stop_words is not None:
            remedies.append("set stop_words = None")
        remedies.append("give those items descriptive text")
        return ", ".join(remedies)

    def _warn_text_tells_no_item_apart(self, text: sp.csr_matrix, table: pd.DataFrame,
                                       columns: list[str]) -> None:
        """Warn when every item with text has the same TF-IDF vector (every title the same
        words, a genre column of one genre, max_features=1 on words every item has) and
        the vectors get no interaction part: every such item then scored the same cosine
        for every user, so the text ranked none above another, and the model was fitted
        without a word."""
        if self.interaction_weight != 0:
            return
        rows = sp.csr_matrix(text)
        described = np.flatnonzero(np.diff(rows.indptr) > 0)
        if len(described) < 2:
            return
        first = rows[described[0]]
        differs = rows[described] - sp.vstack([first] * len(described))
        if abs(differs).max() > 1e-6:
            return
        row = int(described[0])
        document = item_documents(table.iloc[[row]], columns)[0]
        # the fitted table is in the catalog's order, not the user's: name the item by id
        item = shown(self.items_.external_ids[row])
        verb = "gives" if len(columns) == 1 else "give"
        warnings.warn(
            f"content: the item table's {', '.join(repr(c) for c in columns)} {verb} every "
            f"one of the {len(described):,} items with text the same TF-IDF vector (item "
            f"{item} reads {document!r:.60}), so every such item gets the same score for "
            "every user "
            "and the text ranks none above another; describe the items by text that tells "
            "them apart"
            + (f" (max_features = {self.max_features} keeps only the most frequent terms)"
               if self.max_features is not None else "")
            + ", or set interaction_weight > 0 to tell them apart by their interactions",
            stacklevel=caller_stacklevel())

    def _with_interactions(self, text: sp.csr_matrix) -> sp.csr_matrix:
        if self.interaction_weight == 0:
            return text
        audience = self.seen_.T.tocsr().astype(np.float32)
        audience.data[:] = 1.0
        audience = _normalize_rows(audience)
        audience.data *= np.float32(self.interaction_weight)
        return _normalize_rows(sp.hstack([text, audience], format="csr", dtype=np.float32))

    def _index_features(self) -> None:
        # features x items, so that scoring is one CSR x CSR product
        self.item_features_t_ = self.item_features_.T.tocsr()
        # an item with neither text nor (with interaction_weight) training rows has the
        # zero vector: no similarity to anything can be taken from it
        self._undescribed_items = np.asarray(
            abs(self.item_features_).sum(axis=1)).ravel() == 0

    def _items_without_similarity(self) -> np.ndarray:
        return self._undescribed_items

    def _users_without_history(self) -> np.ndarray:
        """The users without training rows, and those whose every training row is on an
        item without a feature (no text, and no interaction part with
        ``interaction_weight = 0``): their profile is the zero vector, so every score was 0
        and their list the catalog in index order, served by ``recommend`` without a word
        (``score_histories`` of the same rows gave item popularity with a warning). Worked
        out once per training matrix, since single requests ask for it."""
        without = super()._users_without_history()
        cached = self.__dict__.get("_users_of_textless_rows")
        if cached is None or cached[0] is not self.seen_ \
                or cached[1] is not self._undescribed_items:
            cached = (self.seen_, self._undescribed_items,
                      self._rows_without_features(self.seen_) & ~without)
            self.__dict__["_users_of_textless_rows"] = cached
        return without | cached[2]

    def _rows_without_features(self, history: sp.csr_matrix) -> np.ndarray:
        """Per row of ``history``: True where it has entries (of a non-zero value, when the
        values are weights) but none on an item with a feature."""
        rows = np.repeat(np.arange(history.shape[0]), np.diff(history.indptr))
        counted = np.ones(len(rows), bool) if self.binary else history.data != 0
        described = counted & ~self._undescribed_items[history.indices]
        return (np.bincount(rows[counted], minlength=history.shape[0]) > 0) \
            & (np.bincount(rows[described], minlength=history.shape[0]) == 0)

    def _without_history_said(self, user_indices: np.ndarray) -> str:
        textless = self._rows_without_features(self.seen_[user_indices])
        if not textless.any():
            return super()._without_history_said(user_indices)
        # "without text" sent the user to items that have text, when none of its words
        # was kept (stop words, min_df, max_features): the saved vectors cannot tell which
        said = ("have training interactions only with items without text in the item "
                "table, or whose text holds no term of the model's vocabulary (only words it "
                "leaves out: stop words, words of one character, terms dropped by min_df or "
                "max_features; with interaction_weight = 0 items are described by their text "
                "alone), so their profile is empty and every score 0")
        if textless.all():
            return said
        return (f"have no training interactions the model can read ({int((~textless).sum())} "
                f"{super()._without_history_said(user_indices)}; {int(textless.sum())} {said})")

    def _no_history_message(self, user_ids: np.ndarray, hint: str | None = None) -> str:
        distinct = list(dict.fromkeys(user_ids.tolist()))
        index = self.users_.to_index(np.asarray(distinct, dtype=object))
        if not self._rows_without_features(self.seen_[index]).any():
            return super()._no_history_message(user_ids, hint)
        # "have no training interactions" sent the user looking for rows that are there
        return (f"{self.name}: {len(distinct)} user(s) {self._without_history_said(index)}, "
                f"e.g. {shown_ids(distinct[:5])}; the model cannot rank items for them; "
                f"{self._kept_terms_remedy()} (title, genres, tags or description in the item "
                "table), or set interaction_weight > 0 to describe items by their "
                "interactions too")

    # ------------------------------------------------------------------ inference
    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        return self._scores(self.seen_[user_indices])

    def score_histories(self, histories: Any = NOT_GIVEN, *positional: Any,
                        **unexpected: Any) -> np.ndarray:
        """Scores for users known only by a history (``n x n_items``, sparse or dense, in
        this model's item order), without refitting."""
        check_call(self, ContentBased.score_histories, positional, unexpected, (histories,))
        self._require_fitted()
        history = self._history_matrix(histories)
        return self._empty_histories_by_popularity(history, self._scores(history))

    def _scores(self, history: sp.csr_matrix) -> np.ndarray:
        scores = np.asarray((self._profiles(history) @ self.item_features_t_).toarray(),
                            dtype=np.float32)
        if self.popularity_weight:
            scores += np.float32(self.popularity_weight) * self.popularity_prior_
        return scores

    def _profiles(self, history: sp.csr_matrix) -> sp.csr_matrix:
        """Unit-length user profiles (rows), the direction of the weighted mean."""
        weights = history_weights(history, binary=self.binary)
        return _normalize_rows(weights @ self.item_features_)

    def _similarity_rows(self, item_indices: np.ndarray) -> np.ndarray:
        """Cosine of the items' (L2-normalised) TF-IDF vectors."""
        return (self.item_features_[item_indices] @ self.item_features_t_).toarray()

    # ------------------------------------------------------------------ new items
    def item_vectors(self, item_table: pd.DataFrame = NOT_GIVEN, *positional: Any,
                     **unexpected: Any) -> sp.csr_matrix:
        """Feature vectors of any items (e.g. ones added after fitting) from their text,
        with this model's vocabulary and idf: the same as fitting would have given an item
        with that text and no interactions. Works on a loaded model (needs
        scikit-learn for the tokeniser, never refits)."""
        check_call(self, ContentBased.item_vectors, positional, unexpected, (item_table,))
        self._require_fitted()
        return self._item_vectors(item_table, "item_vectors")

    def _item_vectors(self, item_table: Any, method: str) -> sp.csr_matrix:
        """:meth:`item_vectors`, its refusals and warnings naming ``method``, the public
        method called (``score_new_items`` was named as ``item_vectors``, a method the
        caller had not called)."""
        columns = self.text_columns_.tolist()
        check_item_rows(item_table, self.name, method, tuple(columns))
        missing = [c for c in columns if c not in item_table.columns]
        if missing:
            # a new item may lack some text; the column must still be there, so that a
            # column left out by mistake is not silently read as no text for every item
            raise RecstackError(
                f"content: {method}: item_table lacks the column(s) {missing} the model "
                f"was fitted on ({columns}); add {'it' if len(missing) == 1 else 'them'}, "
                "with None (read as no text) in the rows that have none, e.g. "
                f"item_table.assign({', '.join(f'{c}=None' for c in missing)})")
        if not columns:
            # every new item would be the zero vector, and score 0 for every user
            raise RecstackError(
                f"content: was fitted without item text (its training data had no item "
                f"table with {', '.join(TEXT_COLUMNS)}), so it cannot place new items: "
                "every one would score 0; refit on interactions with an item table (e.g. "
                "load_movielens, or Interactions.from_frame(..., item_table=...))")
        if "genres" in columns:
            warn_unknown_genres(item_table, self.vocabulary_, self.name, method)
        n_rows, n_features = len(item_table), self.item_features_.shape[1]
        counter = _count_vectorizer()(
            vocabulary={term: i for i, term in enumerate(self.vocabulary_.tolist())},
            stop_words=self.stop_words, dtype=np.float64)
        counts = sp.csr_matrix(counter.transform(item_documents(item_table, columns)))
        # what TfidfVectorizer(sublinear_tf=True, norm="l2") does after counting
        np.log(counts.data, out=counts.data)
        counts.data += 1.0
        text = _normalize_rows(counts @ sp.diags(self.idf_)).astype(np.float32)
        warn_undescribed_items(
            item_table, np.diff(text.indptr) == 0, columns, self.name, method,
            nothing=("no term of the model's vocabulary (English stop words, words of one "
                     "character and terms it was not fitted with are left out)"
                     if self.stop_words is not None else
                     "no term of the model's vocabulary (words of one character and terms it "
                     "was not fitted with are left out)"),
            consequence="each is the zero vector and scores 0 for every user, below any item "
                        "that shares a word with the user's items")
        padding = sp.csr_matrix((n_rows, n_features - text.shape[1]), dtype=np.float32)
        return sp.hstack([text, padding], format="csr", dtype=np.float32)

    def score_new_items(self, users: Any = NOT_GIVEN, item_table: pd.DataFrame = NOT_GIVEN,
                        *positional: Any, **unexpected: Any) -> np.ndarray:
        """Scores of items not in the catalog (rows of ``item_table``) for trained users:
        ``(n_users, n_new_items)`` cosines, on the same scale as :meth:`score_users` (a new
        item has no interactions, so no popularity prior)."""
        check_call(self, ContentBased.score_new_items, positional, unexpected, (users, item_table))
        self._require_fitted()
        history = self.seen_[self._user_indices(users, hint=(
            "score_new_items profiles users from their training rows; refit with their "
            "interactions (score_histories(histories) scores them on the catalog items)"))]
        vectors = self._item_vectors(item_table, "score_new_items")
        return np.asarray((self._profiles(history) @ vectors.T).toarray(), dtype=np.float32)

    # ------------------------------------------------------------------ persistence
    def _state(self) -> dict[str, np.ndarray]:
        return {**sparse_state("item_features", self.item_features_),
                "vocabulary": self.vocabulary_, "idf": self.idf_,
                "text_columns": self.text_columns_}

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        self.item_features_ = sparse_from_state("item_features", arrays)
        self.vocabulary_ = arrays["vocabulary"].astype(str)
        self.idf_ = arrays["idf"]
        self.text_columns_ = arrays["text_columns"].astype(str)
        # derived from the saved training matrix, so older artifacts load too
        self.popularity_prior_ = _log_popularity(self.seen_)
        self._index_features()

    def _state_spec(self) -> dict[str, ArraySpec | SparseSpec]:
        return {"item_features": SparseSpec(("n_items", "features")),
                "vocabulary": ArraySpec("str", ("terms",)),
                # smoothed idf, ln((1 + n) / (1 + df)) + 1, is at least 1 (df <= n)
                "idf": ArraySpec("float64", ("terms",), low=1),
                "text_columns": ArraySpec("str", ("text_columns",))}

    def _check_state(self, arrays: dict[str, np.ndarray]) -> str | None:
        limit = None if self.max_features is None else f"max_features = {self.max_features}"
        problem = (saved_terms_problem("vocabulary", arrays["vocabulary"],
                                       most=self.max_features, limit=limit or "")
                   or saved_columns_problem("text_columns", arrays["text_columns"],
                                            TEXT_COLUMNS))
        if problem:
            return problem
        n_items = len(arrays["base__item_ids"])
        if len(arrays["vocabulary"]) and self.min_df > n_items:
            # fit refuses a min_df above the item documents (one per item): no term is kept
            return (f"vocabulary holds {counted(len(arrays['vocabulary']), 'term')}, but "
                    f"min_df = {self.min_df} is more than the "
                    f"{counted(n_items, 'item document')}, so fitting would have kept none; "
                    "the hyperparameters in model.json and the arrays "
                    "disagree, so one of the two files was edited")
        if self.stop_words == "english" and len(arrays["vocabulary"]):
            stop = _english_stop_words()
            dropped = [t for t in arrays["vocabulary"].astype(str).tolist() if t in stop]
            if dropped:
                return (f"vocabulary holds the English stop word {dropped[0]!r}, but "
                        "stop_words = 'english' drops them; the hyperparameters in "
                        "model.json and the arrays disagree, so one of the two files was "
                        "edited")
        if bool(len(arrays["vocabulary"])) != bool(len(arrays["text_columns"])):
            # fitting reads text columns into terms, or has neither
            return (f"vocabulary holds {counted(len(arrays['vocabulary']), 'term')} but "
                    f"text_columns names {len(arrays['text_columns'])} column(s); fitting "
                    "writes terms "
                    "exactly when it reads text columns, so the file was damaged or edited")
        # one column per term, then (with interaction_weight) one per training user
        terms = len(arrays["vocabulary"])
        users = len(arrays["base__user_ids"]) if self.interaction_weight > 0 else 0
        columns = int(arrays["item_features_shape"][1])
        if columns != terms + users:
            return (f"item_features has {counted(columns, 'column')}, expected "
                    f"{terms + users} ({counted(terms, 'term')} + {counted(users, 'user')} "
                    "with interaction_weight = "
                    f"{self.interaction_weight})")
        return None


#: the largest text score: scores are cosines of non-negative vectors, in [0, 1]
_LARGEST_COSINE = 1.0
#: float32 holds 24 significant bits, so its step is 1 on [2**23, 2**24) and 2 from 2**24
_FLOAT32_UNIT_STEP_LIMIT = float(2**24)


def _log_popularity(seen: sp.csr_matrix) -> np.ndarray:
    r""":math:`\ln(1 + n_j) / \ln(1 + \max_k n_k)` with :math:`n_j` the users of item j."""
    by_item = sp.csc_matrix(seen)
    by_item.sum_duplicates()
    users_per_item = np.diff(by_item.indptr).astype(np.float64)
    top = np.log1p(users_per_item.max(initial=0.0))
    return (np.log1p(users_per_item) / top if top > 0 else users_per_item).astype(np.float32)


def _normalize_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Rows scaled to unit L2 norm (zero rows stay zero), in float32. The norms are taken
    in float64: squared in float32, entries beyond 1.8e19 (an interaction_weight of 1e30)
    overflowed to an infinite norm, and the row became 0."""
    matrix = sp.csr_matrix(matrix, dtype=np.float64)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sp.csr_matrix(sp.diags(scale) @ matrix, dtype=np.float32)


def _english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, or none where it is not installed (a loaded model
    scores without it, so the check it serves is skipped rather than required)."""
    try:
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    except ImportError:
        return frozenset()
    return frozenset(ENGLISH_STOP_WORDS)


def _sklearn_text() -> Any:
    return sklearn_text("content", "the content-based model")


def _tfidf_vectorizer() -> Any:
    return _sklearn_text().TfidfVectorizer


def _count_vectorizer() -> Any:
    return _sklearn_text().CountVectorizer


def _blank_counts(table: pd.DataFrame, columns: list[str]) -> str:
    """The text columns read, each with how many of its rows are empty or missing
    ("column 'title' (3 of 3 rows empty or missing)"): an all-empty column, or one misread,
    was reported only as sklearn's "empty vocabulary", naming no column."""
    parts = []
    for column in columns:
        blank = sum(not text.strip() for text in item_documents(table, [column]))
        parts.append(f"{column!r} ({blank:,} of {len(table):,} rows empty or missing)")
    label = "column" if len(parts) == 1 else "columns"
    return f"{label} " + ", ".join(parts)


def _first_document(table: pd.DataFrame, columns: list[str]) -> str:
    """The first item's text that is not blank, as the tokeniser read it (words of two or
    more letters or digits count), so that a table of codes or single letters
    (``"1.5"``, ``"a b"``) is seen for what it is; nothing when every text is blank."""
    for row, text in enumerate(item_documents(table, columns)):
        if text.strip():
            return (f" (words are runs of two or more letters or digits; row {row} reads "
                    f"{text!r:.60})")
    return ""

