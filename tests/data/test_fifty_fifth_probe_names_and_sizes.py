"""Misspelt MovieLens release names, quoted values in name=value specs, and synthetic sizes
too large for the memory: each refused with what was wrong and what to write instead."""

import pytest

from recstack.cli import main
from recstack.data import fetch, movielens
from recstack.data.sources import load_source, parse_synthetic_spec
from recstack.data.synthetic import generate, generate_with_truth
from recstack.errors import RecstackError
from recstack.models import memory


@pytest.mark.parametrize("wrong, meant", [
    ("movielens-100kk", "movielens-100k"), ("ml-1mm", "movielens-1m"),
    ("100kk", "movielens-100k"), ("movielens-latest-smal", "movielens-latest-small"),
    ("MovieLens-25M ", "movielens-25m"),  # not misspelt: found as it is
])
def test_a_misspelt_release_gets_the_nearest_name(wrong, meant):
    if wrong.strip().lower() == meant:
        assert movielens.release(wrong).name == meant
        return
    with pytest.raises(RecstackError, match=rf"unknown MovieLens release {wrong!r} "
                                            rf"\(did you mean {meant!r}\?\); known: "):
        movielens.release(wrong)


def test_a_name_near_none_gets_the_list_alone():
    with pytest.raises(RecstackError) as caught:
        movielens.release("imdb")
    assert "did you mean" not in str(caught.value)
    assert "known: movielens-100k" in str(caught.value)


def test_every_lookup_of_a_release_name_names_the_nearest(tmp_path, capsys):
    for look_up in (lambda: fetch.fetch("movielens-100kk", cache_dir=tmp_path),
                    lambda: fetch.cached_path("movielens-100kk", cache_dir=tmp_path)):
        with pytest.raises(RecstackError, match=r"did you mean 'movielens-100k'\?"):
            look_up()
    assert main(["data", "fetch", "movielens-100kk", "--cache-dir", str(tmp_path)]) != 0
    err = capsys.readouterr().err
    assert "did you mean 'movielens-100k'?" in err
    assert list(tmp_path.iterdir()) == []  # nothing fetched, nothing written


@pytest.mark.parametrize("option, bare", [
    ("start='2019-01-01'", "start=2019-01-01"), ('start="2019-01-01"', "start=2019-01-01"),
    ("n_users='50'", "n_users=50"), ('seed="3"', "seed=3"), ("noise='0.5'", "noise=0.5"),
])
def test_a_quoted_value_in_a_synthetic_spec_says_to_drop_the_quotes(option, bare):
    for spec in (f"synthetic:{option}", f"synthetic:n_items=40,{option}"):
        with pytest.raises(RecstackError, match=rf"{option}: the value is in quotes; write "
                                                rf"{bare} "):
            parse_synthetic_spec(spec)
        with pytest.raises(RecstackError, match=r"the value is in quotes"):
            load_source(spec)


def test_a_quote_inside_a_value_or_an_unmatched_one_is_not_taken_for_quoting():
    assert parse_synthetic_spec("synthetic:a=it's,b='x") == {"a": "it's", "b": "'x"}
    assert parse_synthetic_spec("synthetic:n_users=50") == {"n_users": 50}


def test_a_quoted_value_in_a_filter_says_to_drop_the_quotes(tmp_path, capsys):
    out = tmp_path / "split"
    code = main(["data", "split", "synthetic:n_users=60,n_items=50,n_interactions=900",
                 "--filter", "k_core:user_min='5'", "--out", str(out)])
    err = capsys.readouterr().err
    assert code != 0
    assert "argument --filter: k_core:user_min='5': option user_min='5': the value is in quotes; " \
           "write user_min=5" in err
    assert not out.exists()


@pytest.mark.parametrize("make", [generate, generate_with_truth])
def test_sizes_beyond_the_memory_are_refused_before_allocating(monkeypatch, make):
    monkeypatch.setattr(memory, "available_memory_bytes", lambda: (10_000, "available (test)"))
    with pytest.raises(RecstackError, match=r"synthetic: generating n_users=200, n_items=100, "
                                            r"n_interactions=3,000 needs about .* bytes\) but "
                                            r"only .*\(10,000 bytes\) is available \(test\); "
                                            r"lower n_users, n_items or n_interactions"):
        make(n_users=200, n_items=100, n_interactions=3000)


def test_an_enormous_size_is_refused_with_the_bytes_it_needs():
    # 10**12 rows: the four columns alone are 10**12 * 20 bytes, 20 TB
    with pytest.raises(RecstackError, match=r"needs about [\d.]+ GiB \([\d,]+ bytes\)"):
        generate(n_users=10**9, n_interactions=10**12, n_items=10**6)


def test_sizes_that_fit_are_generated_as_before():
    data = generate(n_users=30, n_items=40, n_interactions=300, seed=2)
    assert len(data) == 300


def test_a_release_name_missing_its_dash_gets_the_nearest_name():
    for wrong, meant in (("movielens100k", "movielens-100k"), ("movielens1m", "movielens-1m")):
        with pytest.raises(RecstackError, match=rf"did you mean {meant!r}\?"):
            movielens.release(wrong)


def test_empty_quotes_say_to_give_the_value_or_leave_the_option_out():
    with pytest.raises(RecstackError, match=r"n_users='': the value is empty quotes; give "
                                            r"the value itself, unquoted, or leave n_users "
                                            r"out for its default"):
        parse_synthetic_spec("synthetic:n_users=''")
