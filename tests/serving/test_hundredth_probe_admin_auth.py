"""The admin endpoint's Authorization header in the forms a user gets wrong: two headers
(the first one won, so a right and a wrong token were let in or not by their order), no
``Bearer`` scheme, another scheme, the token in quotes. Each answer says what is wrong,
never repeating the token."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import TOKEN, client, publish, settings  # noqa: E402


@pytest.fixture
def http(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    with client(settings(registry, admin_token=TOKEN)) as http:
        yield http


@pytest.mark.parametrize("order", [("right", "wrong"), ("wrong", "right"),
                                   ("right", "right")])
def test_two_authorization_headers_are_refused_whatever_their_order(http, order):
    tokens = {"right": TOKEN, "wrong": "w" * 40}
    headers = [("Authorization", f"Bearer {tokens[o]}") for o in order]
    response = http.post("/admin/reload", headers=headers)
    assert response.status_code == 400
    assert "2 Authorization headers" in response.json()["detail"]
    assert TOKEN not in response.text


@pytest.mark.parametrize("header, problem", [
    (None, "no Authorization header"),
    (TOKEN, "no scheme before the token"),
    ("Token " + TOKEN, "the scheme 'Token', not 'Bearer'"),
    ("Basic " + TOKEN, "the scheme 'Basic', not 'Bearer'"),
    ("Bearer", "'Bearer' and no token"),
])
def test_a_header_without_a_bearer_token_says_what_is_wrong(http, header, problem):
    headers = {} if header is None else {"Authorization": header}
    response = http.post("/admin/reload", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    detail = response.json()["detail"]
    assert problem in detail and "Authorization: Bearer TOKEN" in detail
    assert TOKEN not in detail


@pytest.mark.parametrize("sent, hint", [
    (f'"{TOKEN}"', "in quotes"),
    (f"'{TOKEN}'", "in quotes"),
    (f"Bearer {TOKEN}", "'Bearer ' again"),
    (TOKEN + "\\n", "escaped line break"),
])
def test_a_wrong_token_in_a_recognisable_form_is_told_the_form(http, sent, hint):
    response = http.post("/admin/reload", headers={"Authorization": f"Bearer {sent}"})
    assert response.status_code == 403
    assert "wrong admin token" in response.json()["detail"]
    assert hint in response.json()["detail"]
    assert TOKEN not in response.text


def test_a_plain_wrong_token_gets_no_hint_and_the_right_one_reloads(http):
    response = http.post("/admin/reload", headers={"Authorization": "Bearer " + "w" * 40})
    assert response.status_code == 403 and response.json()["detail"] == "wrong admin token"
    assert http.post("/admin/reload",
                     headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_a_real_server_refuses_two_authorization_headers(tmp_path, als, train):
    import httpx

    from tests.serving.service_helpers import start_service, stop_service

    registry = publish(tmp_path / "registry", als, train)
    process, url = start_service(tmp_path, registry)
    try:
        response = httpx.post(f"{url}/admin/reload", headers=[
            ("Authorization", f"Bearer {TOKEN}"), ("Authorization", "Bearer " + "w" * 40)])
        assert response.status_code == 400
        assert "2 Authorization headers" in response.json()["detail"]
        assert httpx.post(f"{url}/admin/reload", headers={
            "Authorization": f"Bearer {TOKEN}"}).status_code == 200
    finally:
        stop_service(process)
