"""End-to-end in Chromium, on a server of their own that serves the shipped model (the retrain tests in
test_browser.py change what their server serves): a number written on the wide canvas, a photo uploaded."""

import numpy as np
from PIL import Image
from playwright.sync_api import expect

from digits.drawing import PLAIN
from tests.browser import draw, new_run, prediction, side_by_side
from tests.test_browser import app_url, browser, models, page  # noqa: F401  (fixtures: a server of this module's own)
from tests.test_photos import ink, photo


def test_a_number_written_on_the_wide_canvas_is_read_whole(page):
    with new_run(page):
        page.get_by_text("Number", exact=True).click()
    expect(page.get_by_text("Write a number to see what the model reads.")).to_be_visible()
    canvas = page.locator("canvas.upper-canvas")
    for _ in range(100):  # until the wide canvas has replaced the square one (it lives in a shadow root)
        box = canvas.bounding_box()
        if box and box["width"] > 2.5 * box["height"]:
            break
        page.wait_for_timeout(200)
    assert box["width"] > 2.5 * box["height"]
    page.wait_for_timeout(500)  # and is ready to draw on
    draw(page, side_by_side(PLAIN[1], PLAIN[0], PLAIN[7]), margin=0.1)
    assert prediction(page, "Number") == "107"
    expect(page.get_by_text("Each part it read, boxed")).to_be_visible()
    assert prediction(page) is None  # the single digit's answer is not shown in Number mode


def test_a_photo_uploaded_on_the_photo_page_is_read(page, tmp_path):
    picture = photo(np.pad(ink(PLAIN[7], 300), ((50, 50), (150, 150))), colour=(25, 40, 150), noise=8)
    Image.fromarray(picture).save(tmp_path / "seven.jpg", quality=85)
    page.get_by_role("link", name="Photo").click()
    page.locator('input[type="file"]').set_input_files(tmp_path / "seven.jpg")
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Digit")
    expect(metric.locator('[data-testid="stMetricValue"]')).to_have_text("7", timeout=30_000)
    expect(page.get_by_text("The digit's box, with the digit read over it")).to_be_visible()
