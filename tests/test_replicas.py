"""Two replicas of the app, as a classroom or public deployment runs them: two `streamlit run` servers on two
ports sharing one models folder and one real PostgreSQL database, driven in Chromium."""

import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from digits.corrections import Corrections
from digits.drawing import PLAIN
from digits.registry import ModelRegistry
from digits.retraining import Retrainer
from tests.browser import (copy_shipped_model, draw, expect_reading, new_run, open_page, prediction,
                           set_sidebar_number, start_app)
from tests.postgres import new_database
from tests.test_browser import browser  # noqa: F401  (the fixture: one Chromium for the module)


@pytest.fixture
def replicas(tmp_path, postgres_cluster):
    """Two servers sharing a models folder and a database (each with a local data folder it must not use)."""
    models = copy_shipped_model(tmp_path / "models")
    database = new_database(postgres_cluster)
    servers = [start_app(models, DIGITS_DATABASE_URL=database, DIGITS_DATA_DIR=str(tmp_path / f"local-{i}"))
               for i in range(2)]
    yield models, database, [url for _, url in servers]
    for process, _ in servers:
        process.terminate()
        process.wait(timeout=20)


def opened(browser, url: str) -> Page:  # noqa: F811
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    open_page(page, url)
    return page


def go_to(page: Page, name: str) -> None:
    """Follow the link to another page of the app: a whole-page run of the same session."""
    with new_run(page):
        page.get_by_role("link", name=name).first.click()


def test_two_replicas_share_the_corrections_the_training_lock_and_the_promotion(browser, replicas):  # noqa: F811
    models, database, (url_a, url_b) = replicas
    a, b = opened(browser, url_a), opened(browser, url_b)

    # A correction kept on one replica is in the shared database, and the other's Corrections page shows it.
    draw(a, PLAIN[1])
    with new_run(a):
        a.locator('[data-testid="stButtonGroup"]').get_by_role("radio", name="4", exact=True).click()
    expect(a.get_by_text("Saved as a 4 — draw the next one")).to_be_visible()
    assert Corrections(database).counts()[4] == 1
    go_to(b, "Corrections")
    expect_reading(b, "1", "Drawings kept")
    assert not list(models.parent.glob("local-*/*.sqlite"))  # neither used a local file

    # A training started on one replica holds the lock for both, and for any other process.
    sidebar_a, sidebar_b = (page.locator('[data-testid="stSidebar"]') for page in (a, b))
    shipped_accuracy = prediction(b, "MNIST test accuracy")
    for label, value in (("Epochs", "1"), ("Training images", "300")):
        set_sidebar_number(a, label, value)
    sidebar_a.get_by_role("button", name="Train a new model").click()
    expect(sidebar_a.locator('[data-testid="stProgress"]')).to_be_visible()
    go_to(b, "Draw")
    expect(sidebar_b.locator('[data-testid="stProgress"]')).to_be_visible()  # B follows A's training
    expect(sidebar_b.get_by_role("button", name="Train a new model")).to_have_count(0)
    assert not Retrainer(ModelRegistry(models)).start("quick", "compact", 1, 100, False)

    # Promoted on A ("Serve it anyway": a 300-image model is worse), it serves on B's next run.
    expect(sidebar_a.get_by_text("Training finished")).to_be_visible(timeout=180_000)
    with new_run(a):
        sidebar_a.get_by_role("button", name="Serve it anyway").click()
    promoted = ModelRegistry(models).current_path().stem
    assert promoted.startswith("retrained-")
    go_to(b, "Photo")
    # The model's facts at the top of B's sidebar (its training outcome below names the new model anyway).
    expect(sidebar_b.get_by_text(promoted, exact=True).first).to_be_visible()
    assert prediction(b, "MNIST test accuracy") != shipped_accuracy
    go_to(b, "Draw")
    draw(b, PLAIN[7])
    expect_reading(b, re.compile(r"^\d$"))


def test_uploads_without_the_xsrf_token_are_refused(replicas):
    _, _, (url, _) = replicas
    request = urllib.request.Request(f"{url}/_stcore/upload_file/some-session/some-file", data=b"x" * 100,
                                     method="PUT")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
