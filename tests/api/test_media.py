"""Bodies that are not JSON get a status and a message that say so (issue 12, item 6), over HTTP."""

import json
import math

import pytest


@pytest.mark.parametrize("headers, got", [({"content-type": "text/plain"}, "got 'text/plain'"),
                                          ({"content-type": "application/x-www-form-urlencoded"}, "got 'application"),
                                          ({}, "none given")])
def test_a_body_that_is_not_sent_as_json_is_415(server, farm, headers, got):
    response = server.post("/v1/recommendations", content=json.dumps(farm), headers=headers)
    assert response.status_code == 415
    assert "Content-Type must be application/json" in response.json()["detail"] and got in response.json()["detail"]


def test_json_with_a_charset_is_json(server, farm):
    response = server.post("/v1/recommendations", content=json.dumps(farm),
                           headers={"content-type": "application/json; charset=utf-8"})
    assert response.status_code == 200


@pytest.mark.parametrize("body, reason", [
    (b'{"climate_zone": "x",', "Expecting property name enclosed in double quotes at character 21"),
    (b"{not json", "at character 1"),
    (b"\xff\xfe{", "cannot be decoded as text; send JSON in UTF-8"),
    (b"", "the request has no body"),
])
def test_a_body_that_cannot_be_parsed_is_400_with_the_reason(server, body, reason):
    response = server.post("/v1/recommendations", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400 and reason in response.json()["detail"]


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_numbers(server, farm, token):
    body = json.dumps({**farm, "clay_pct": 1.5}).replace("1.5", token)
    [error] = server.post("/v1/recommendations", content=body,
                          headers={"content-type": "application/json"}).json()["detail"]
    assert error["field"] == "clay_pct" and "NaN and Infinity are not numbers" in error["problem"]
    assert "100" not in error["problem"]
    batch = json.dumps({"farms": [{**farm, "soc_t_ha": math.inf}]}, allow_nan=True)
    [result] = server.post("/v1/recommendations/batch", content=batch,
                           headers={"content-type": "application/json"}).json()["results"]
    assert result["status"] == "invalid" and "NaN and Infinity are not numbers" in result["errors"][0]["problem"]
