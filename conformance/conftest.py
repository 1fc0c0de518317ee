# The suite's pytest plugin, loaded here so that
# `python -m pytest conformance --impl TARGET` works without any setup.
from conformance.plugin import (  # noqa: F401 - pytest finds hooks by name
    conformance,
    pytest_addoption,
    pytest_collection_finish,
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_generate_tests,
    pytest_report_header,
    pytest_runtest_logreport,
    pytest_sessionfinish,
)
from conformance.prefetch import pytest_runtestloop  # noqa: E402,F401 - runs waiting cases ahead
