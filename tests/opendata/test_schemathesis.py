"""Property-based run of the API against its OpenAPI description, with schemathesis.

Every generated request, valid (positive) or not (negative), must get a documented status, never
a 500, with a body matching the schema for that status. schemathesis's own pytest loader
(``from_fixture``) does not run on pytest 9, so each operation's Hypothesis strategy is driven
here, inside an ordinary test with the seed content in its database. The examples are the same
on every run (the Hypothesis profile in tests/conftest.py).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, assume, given, settings
from schemathesis import GenerationMode

from kb.catalogue.charts import CHARTS
from kb.wsgi import application

EXAMPLES_PER_OPERATION = 25


@pytest.fixture
def keep_the_test_transaction():
    """Requests go through the real WSGI application, which closes the database connection
    after each one (ending the test's transaction on PostgreSQL). Django's test client turns
    that off the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_description(seed, keep_the_test_transaction, mode):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    # schemathesis leaves out the operation serving the description itself.
    assert {operation.path for operation in operations} == {
        "/api/models/",
        "/api/models/{slug}/",
        "/api/categories/",
        "/api/articles/",
        "/api/articles/{slug}/",
        "/models.json",
        "/models.csv",
        *(f"/api/charts/{chart}/" for chart in CHARTS),
        *(f"/data/charts/{chart}.csv" for chart in CHARTS),
    }

    if mode == GenerationMode.NEGATIVE:
        # Only query parameters can be made invalid here; the slug accepts any text (404).
        operations = [operation for operation in operations if operation.query]

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case):
            if mode == GenerationMode.NEGATIVE:
                # An empty list or object goes into a query string as nothing or as an empty
                # value, which the API reads as not set, as its description says: whatever
                # schemathesis generated, what is sent is valid (seen with year={}, status={}).
                assume(not any(value in ({}, []) for value in (case.query or {}).values()))
            case.call_and_validate()

        conforms()
