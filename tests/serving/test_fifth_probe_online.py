"""Fifth bad-input probe: online_report's arguments from Python."""

from __future__ import annotations

import pytest

from recstack.errors import RecstackError
from recstack.serving.online import online_report

HEADER = "time,timestamp,event,user_id,item_id,session_id,variant,model,request_id,position," \
         "revenue,cost\n"


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(HEADER + ",1,impression,u,i,s1,control,m,r,1,,\n"
                    ",2,click,u,i,s1,control,m,r,1,,\n,1,impression,v,i,s2,test,m,r,1,,\n")
    return path


def test_a_misspelt_control_gets_the_nearest_variant(log):
    with pytest.raises(RecstackError, match=r"control variant 'contrl' is not in the log; "
                                            r"variants: control, test; did you mean "
                                            r"'control'\?"):
        online_report(log, control="contrl")


def test_alpha_given_as_text_is_refused_by_name(log):
    # was TypeError: '<' not supported between instances of 'int' and 'str'
    with pytest.raises(RecstackError, match=r"alpha must be between 0 and 1 \(exclusive\), "
                                            r"got '0.05'"):
        online_report(log, alpha="0.05")


def test_a_location_that_is_no_path_is_refused_by_name():
    with pytest.raises(RecstackError, match=r"location must be a path .* got 3"):
        online_report(3)
