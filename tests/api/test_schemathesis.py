"""A bounded schemathesis run over every endpoint of the service's own
OpenAPI schema: no 5xx, and every response conforms to its schema."""

import time

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.main import create_app

READY_TIMEOUT_SECONDS = 60

# Cross-field rules (known, compatible current practices; a measured stock
# where IPCC gives none) are not expressible in the schema, so a request the
# schema allows may still be refused with a 422: checks about accepting or
# refusing data are left out, every check about responses is kept.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def api_schema(settings):
    """The schema of an in-process app, once its model is loaded (schemathesis
    runs the app's lifespan itself, once per process)."""
    app = create_app(settings)
    loaded = schemathesis.openapi.from_asgi("/openapi.json", app)
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while getattr(getattr(app.state, "models", None), "current", None) is None:
        assert time.monotonic() < deadline, "model not loaded"
        time.sleep(0.05)
    return loaded


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=75, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_every_endpoint(case):
    case.call_and_validate(checks=CHECKS)
