"""Small fitted models shared by the serving tests (fitted once per test session)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from recstack.data.synthetic import generate

# the lifecycle shared by the local and S3 tests asserts in a helper module
pytest.register_assert_rewrite("tests.serving.registry_scenario")

pytest.importorskip("implicit", reason="the serving tests fit ALS, which needs implicit")


@pytest.fixture(scope="session")
def train():
    return generate(n_users=120, n_items=80, n_interactions=2000, seed=5, progress=None)


@pytest.fixture(scope="session")
def als(train):
    from recstack.models.als import ALS

    return ALS(factors=8, iterations=4, regularization=5.0, alpha=2.0, seed=0).fit(train)


@pytest.fixture(scope="session")
def popular(train):
    from recstack.models.baselines import MostPopular

    return MostPopular().fit(train)


@pytest.fixture(scope="session")
def user(als):
    """A user the shared ALS model knows, as a request names it."""
    return str(als.users_.external_ids[0])


@pytest.fixture(scope="session")
def item(als):
    """An item the shared ALS model knows, as a request names it."""
    return str(als.items_.external_ids[0])


@pytest.fixture
def browser():
    """Headless Chromium from the system packages, driven by selenium (the page tests)."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="the page tests need selenium")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    chromedriver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not (Path(chromium).exists() and Path(chromedriver).exists()):
        pytest.skip("needs the chromium and chromedriver system packages")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                 "--disable-gpu", "--window-size=1280,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=webdriver.ChromeService(chromedriver), options=options)
    yield driver
    driver.quit()
