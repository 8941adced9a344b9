"""Complex numbers in a chart, the coherence reading's counts and chance level, and the
pipeline report's message for a missing field (two hundred forty-third probe)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from recstack.analysis.charts import Chart, Heatmap, Series, checked_chart
from recstack.analysis.neighbours import Coherence, neighbourhood_coherence
from recstack.analysis.pipeline_report import check_step_output, write_pipeline_report
from recstack.errors import ConfigError, RecstackError


def _chart(**fields):
    given = {"name": "als", "x": [1.0, 2.0, 3.0], "y": [0.1, 0.2, 0.3], "mode": "markers"}
    given.update(fields)
    return Chart(title="recall", x_label="", y_label="", series=[Series(**given)])


@pytest.mark.parametrize(("fields", "field", "first", "position", "count"), [
    ({"colour": [1j, 2, 3]}, "colour", "1j", "0", "1 complex number"),
    ({"colour": np.array([2, 3 + 0j, 4 - 2j])}, "colour", r"\(4-2j\)", "2", "1 complex number"),
    ({"colour": [0.5, np.complex64(1j), 1.0]}, "colour", "1j", "1", "1 complex number"),
    ({"y": [1, 2j, 3j]}, "y", "2j", "1", "2 complex numbers"),
    ({"x": np.array([1, 2, 3], dtype=complex)}, "x", r"\(1\+0j\)", "0", "3 complex numbers"),
    ({"low": [0, 0, 1j], "high": [1, 1, 1]}, "low", "1j", "2", "1 complex number"),
])
def test_a_complex_number_in_a_series_is_refused(fields, field, first, position, count):
    # drawn as its real part by matplotlib (with numpy's warning) and as the legend label
    # "1j" when it was a colour
    with pytest.raises(ConfigError, match=(
            rf"chart 'recall', series 'als' \(series\[0\]\): {field} holds {count}, first "
            rf"{first} at position {position}; a chart draws real numbers")):
        checked_chart(_chart(**fields))


def test_a_complex_heatmap_cell_is_refused_with_its_row_and_column():
    chart = Chart(title="overlap", x_label="", y_label="", series=[],
                  heatmap=Heatmap(z=[[1.0, 2.0], [3.0, 1 + 1j]], x_labels=["a", "b"],
                                  y_labels=["c", "d"]))
    with pytest.raises(ConfigError, match=r"chart 'overlap', heatmap: z holds 1 complex "
                                          r"number, first \(1\+1j\) at position \[1, 1\]"):
        checked_chart(chart)


def test_real_numbers_and_text_labels_are_still_drawn():
    assert checked_chart(_chart(colour=["Drama", "Comedy", "Drama"]))
    assert checked_chart(_chart(colour=np.array([1.0, 2.0, 3.0]), y=[1, 2, 3]))


def test_one_query_with_no_shared_random_item_asks_for_more_queries():
    reading = Coherence(score=0.0, chance=0.0, k=3, n_queries=1, seed=3,
                        n_labelled=40).reading()
    assert reading == ("0% of the 3 nearest neighbours share a genre with the item, and none "
                       "of the 3 random items drawn does (1 item of 40 labelled checked, "
                       "seed 3): too few to read a chance level from; raise max_queries (up "
                       "to 40, the labelled items) to draw more.")


def test_every_item_queried_with_no_shared_random_item_blames_rare_labels():
    reading = Coherence(score=0.5, chance=0.0, k=2, n_queries=40, seed=0,
                        n_labelled=40).reading()
    assert reading == ("50% of the 2 nearest neighbours share a genre with the item, and none "
                       "of the 80 random items drawn does (40 items checked, seed 0): with "
                       "labels this rare there is no chance level to compare with.")


def test_one_neighbour_and_one_item_are_written_in_the_singular():
    reading = Coherence(score=1.0, chance=0.25, k=1, n_queries=1, seed=0,
                        n_labelled=1).reading()
    assert reading == ("The nearest neighbour shares a genre with the item for 100% of the "
                       "items, against 25% for random items (4.0x, 1 item checked, seed 0): "
                       "neighbours group like with like.")
    assert "1 items" not in reading and "1 nearest neighbours" not in reading


def test_coherence_records_the_labelled_items_it_queried_from():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(12, 3))
    # items 10 and 11 have no label: 10 labelled items
    labels = [[f"g{i % 3}"] for i in range(10)] + [[], []]
    coherence = neighbourhood_coherence(vectors, labels, k=2, max_queries=4, seed=1)
    assert (coherence.n_queries, coherence.n_labelled) == (4, 10)
    assert "4 items of 10 labelled checked" in coherence.reading()
    every = neighbourhood_coherence(vectors, labels, k=2, seed=1)
    assert (every.n_queries, every.n_labelled) == (10, 10)
    assert "10 items checked" in every.reading()


def test_a_report_missing_a_field_does_not_repeat_itself(tmp_path):
    folder = tmp_path / "run"
    (folder / "report").mkdir(parents=True)
    (folder / "report" / "report.json").write_text(json.dumps({"pipeline": "p"}))
    with pytest.raises(RecstackError) as caught:
        write_pipeline_report(folder)
    message = str(caught.value)
    assert "report.json: missing 'run' (" in message
    assert "; not a pipeline run's report, or a damaged one: rerun" in message
    assert "report of a pipeline run" not in message
    assert not (folder / "report" / "report.html").exists()


def test_a_step_output_missing_a_field_still_names_the_run(tmp_path):
    with pytest.raises(RecstackError, match=r"quality.json: missing 'summary' .*; not the "
                                            r"quality step's output of a pipeline run, or a "
                                            r"damaged one: rerun the step"):
        check_step_output(tmp_path / "quality.json", "check", {}, "rerun the step")


def test_a_publish_output_missing_its_version_says_so_once(tmp_path):
    with pytest.raises(RecstackError, match=r"missing 'version'; not the publish step's "
                                            r"output of a pipeline run, or a damaged one"):
        check_step_output(tmp_path / "publish.json", "publish",
                          {"published": True, "name": "m"}, "rerun the step")
    payload = {"pipeline": "p"}
    with pytest.raises(RecstackError) as caught:
        check_step_output(tmp_path / "r.json", "evaluate", payload, "rerun")
    assert "of a pipeline run of a pipeline run" not in str(caught.value)
