"""Sixteenth bad-input probe of the candidate stage's functions: labels of another length
than the candidates made ``sample_negatives`` keep rows of other candidates without a word
(or fail with an IndexError), NaN labels counted as negatives and text failed inside numpy;
a text given as ``sources`` or scorer ``names`` was read letter by letter; one model given
instead of a list, a ``batch_users`` of 0, a dense ``histories`` matrix (refused as
"exclude must be ...", a parameter never given) and arguments of the wrong type failed with
raw ``TypeError``, ``ValueError`` or ``AttributeError`` tracebacks."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.synthetic import generate
from recstack.errors import RecstackError
from recstack.models import create_model
from recstack.pipeline.candidates import (
    Candidates,
    candidate_recall,
    generate_candidates,
    limit_per_user,
    score_candidates,
)
from recstack.pipeline.features import FeatureBuilder
from recstack.pipeline.training_data import (
    make_training_data,
    sample_negatives,
    time_window,
    user_window,
    window_cutoff,
)


@pytest.fixture(scope="module")
def train():
    return generate(n_users=40, n_items=30, n_interactions=600, seed=1, progress=None)


@pytest.fixture(scope="module")
def generators(train):
    return [create_model("most_popular").fit(train), create_model("item_knn").fit(train)]


def four_candidates() -> Candidates:
    """User 0 with items 0..3, ranked 1..4 by one source."""
    return Candidates(np.zeros(4, np.int64), np.arange(4), np.zeros((4, 1), np.float32),
                      np.array([[1], [2], [3], [4]], np.float32), ("a",), 4)


@pytest.mark.parametrize("labels", [[1, 0], [1, 0, 0, 0, 0, 0]])
@pytest.mark.parametrize("how", ["uniform", "hard"])
def test_labels_of_another_length_than_the_candidates_are_refused(labels, how):
    # two labels for four candidates kept rows 0 and 1 of four as if they were all
    with pytest.raises(RecstackError, match=rf"^sample_negatives: labels has {len(labels)} "
                                            r"entries, the candidates 4 rows; give one label "
                                            r"per candidate row"):
        sample_negatives(np.array(labels), four_candidates(), how, 0.5)


@pytest.mark.parametrize(("labels", "said"), [
    ([1.0, 0.0, np.nan, 0.0], "labels must be finite, row 2 is nan"),
    (["1", "0", "0", "0"], "labels must be an array of numbers"),
    ([[1], [0], [0], [0]], r"labels must be a 1-D array, got shape \(4, 1\)"),
])
def test_labels_that_are_not_one_number_per_row_are_refused(labels, said):
    with pytest.raises(RecstackError, match=f"^sample_negatives: {said}"):
        sample_negatives(labels, four_candidates(), "hard", 0.5)


def test_sample_negatives_still_keeps_the_best_ranked_negatives():
    # 3 negatives (ranks 2, 3, 4) at rate 0.5: ceil(1.5) = 2 kept, ranks 2 and 3
    assert sample_negatives([1, 0, 0, 0], four_candidates(), "hard", 0.5).tolist() == [0, 1, 2]


@pytest.mark.parametrize("call", [
    lambda: sample_negatives([1, 0], "candidates", "hard", 0.5),
    lambda: limit_per_user("candidates", 2),
    lambda: score_candidates("candidates", [], []),
    lambda: candidate_recall("candidates", None),
])
def test_something_else_than_candidates_is_refused(call):
    with pytest.raises(RecstackError, match=r": candidates must be the Candidates that "
                                            r"generate_candidates returns, got str$"):
        call()


def test_recall_against_something_else_than_interactions_is_refused():
    with pytest.raises(RecstackError, match=r"^candidate_recall: test must be recstack "
                                            r"Interactions \(the test split\), got str$"):
        candidate_recall(four_candidates(), "test")


@pytest.mark.parametrize(("sources", "said"), [
    ("ab", "must be a list of non-empty names, one per generator \\(2\\), got 'ab'"),
    ([1, 2], "must be a list of non-empty names, one per generator \\(2\\), got \\[1, 2\\]"),
    (["a", "a"], "must give one distinct name per generator \\(2\\), got \\['a', 'a'\\] "
                 "\\('a' named more than once\\)"),
    (["a"], "must give one distinct name per generator \\(2\\), got \\['a'\\] \\(1 names "
            "for 2 generators\\)"),
])
def test_source_names_must_be_one_distinct_text_per_generator(generators, sources, said):
    with pytest.raises(RecstackError, match=f"^candidates: sources {said}"):
        generate_candidates(generators, np.array([0, 1]), 3, sources=sources)
    # a list of as many distinct names names the columns
    found = generate_candidates(generators, np.array([0, 1]), 3, sources=["pop", "knn"])
    assert found.sources == ("pop", "knn")


def test_a_text_as_scorer_names_is_not_read_letter_by_letter(train, generators):
    found = generate_candidates(generators, np.array([0]), 3)
    scorers = [create_model("item_knn").fit(train), create_model("ease").fit(train)]
    with pytest.raises(RecstackError, match=r"^candidates: names must be a list of non-empty "
                                            r"names, one per scorer \(2\), got 'ab'"):
        score_candidates(found, scorers, "ab")


def test_one_model_instead_of_a_list_is_refused(train, generators):
    with pytest.raises(RecstackError, match=r"^candidates: generators must be a list of "
                                            r"fitted models, e.g. \[model\], got MostPopular"):
        generate_candidates(generators[0], np.array([0]), 3)
    found = generate_candidates(generators, np.array([0]), 3)
    with pytest.raises(RecstackError, match=r"^candidates: scorers must be a list of fitted "
                                            r"models, e.g. \[model\], got ItemKNN"):
        score_candidates(found, generators[1], ["knn"])


@pytest.mark.parametrize("batch_users", [0, -1, "2", 1.5])
def test_batch_users_must_be_a_positive_integer(generators, batch_users):
    found = generate_candidates(generators, np.array([0]), 3)
    with pytest.raises(RecstackError, match=r"^score_candidates: batch_users must be an "
                                            r"integer >= 1, got "):
        score_candidates(found, [generators[1]], ["knn"], batch_users=batch_users)


@pytest.mark.parametrize(("histories", "shown"), [
    (np.eye(30)[:2], "a ndarray of shape \\(2, 30\\)"),
    (__import__("scipy.sparse").sparse.csr_matrix(np.eye(31)[:2]),
     "a sparse matrix of shape \\(2, 31\\)"),
])
def test_histories_must_be_a_sparse_matrix_over_the_items(generators, histories, shown):
    with pytest.raises(RecstackError, match=r"^candidates: histories must be a sparse matrix "
                                            r"of new users x the generators' 30 items .*, got "
                                            f"{shown}$"):
        generate_candidates(generators, np.array([0, 1]), 3, histories=histories)


def test_make_training_data_names_what_the_factories_and_builder_returned(train):
    cutoff = window_cutoff(train, 0.2)
    history, window = time_window(train, cutoff)

    def run(make, builder=None):
        return make_training_data(history, window, make, builder or FeatureBuilder(),
                                  cutoff=cutoff, n_candidates=5)

    with pytest.raises(RecstackError, match=r"^training data: make_generators must return a "
                                            r"list of fresh models .*, but it returned "
                                            r"MostPopular$"):
        run(lambda: create_model("most_popular"))
    with pytest.raises(RecstackError, match=r"^training data: make_generators\(\)\[0\] is a "
                                            r"str \('ease'\), not a recstack model"):
        run(lambda: ["ease"])
    with pytest.raises(RecstackError, match=r"^training data: builder must be a "
                                            r"FeatureBuilder .*, got dict$"):
        run(lambda: [create_model("most_popular")], builder={"half_life_days": 7})
    with pytest.raises(RecstackError, match=r"^training data: train must be recstack "
                                            r"Interactions, got str$"):
        user_window("train", 2)
