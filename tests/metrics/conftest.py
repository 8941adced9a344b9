"""Shared setup of the metric tests.

``@pytest.mark.reference("name", ...)`` marks a test that checks the named registered metric(s)
against a value that does not come from recstack: worked by hand, or computed by an independent
implementation (ranx, scikit-learn, scipy, a plain loop written in the test).
``test_metrics_registry.py`` fails when a registered metric has no such test.
"""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "reference(*names): checks the named registered metrics against an independent reference",
    )
