"""Measure the page in a real browser: cold start, and the time from mouse-up to the Prediction on screen.

Starts `streamlit run` on a copy of the shipped model, drives Debian's Chromium with Playwright,
prints the figures and writes them as JSON (default benchmarks/page.json).
"""

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

from digits.drawing import PLAIN, TRAINING_STYLES  # noqa: E402
from digits.evaluation import report  # noqa: E402
from tests.browser import (  # noqa: E402
    CHROMIUM, CHROMIUM_ARGS, copy_shipped_model, draw, new_run, open_page, reset_canvas, side_by_side, start_app,
)

# One-stroke digits, so that the first answer after mouse-up is the answer for the whole digit.
ONE_STROKE = [
    [[(0.5, 0.0), (0.5, 1.0)]],
    [[(0.15, 0.0), (0.85, 0.0), (0.4, 1.0)]],
    [[(0.5, 0.0), (0.2, 0.3), (0.2, 0.7), (0.5, 1.0), (0.8, 0.7), (0.8, 0.3), (0.5, 0.0)]],
]
SHOWN = ("""() => [...document.querySelectorAll('[data-testid="stMetric"]')]"""
         """.some(m => m.innerText.includes('Prediction'))""")


def cold_start(browser, models: Path, **env: str) -> tuple[float, float, subprocess.Popen, Page]:
    """Launch `streamlit run` (with `env` added to its environment) and draw a 1 as soon as the canvas shows, as a
    person would; returns the seconds until the canvas showed and until the first prediction did, with the running
    app and page."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    launched = time.perf_counter()
    app, url = start_app(copy_shipped_model(models), **env)
    try:
        open_page(page, url, settle=False)
        ready = time.perf_counter() - launched
        draw(page, ONE_STROKE[0], until=SHOWN)
    except Exception:
        stop(app)
        raise
    return ready, time.perf_counter() - launched, app, page


def stop(app: subprocess.Popen) -> None:
    app.terminate()
    app.wait(timeout=20)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--drawings", type=int, default=30)
    parser.add_argument("--cold-starts", type=int, default=3, help="cold starts to measure (the median is reported)")
    parser.add_argument("--out", default="benchmarks/page.json")
    parser.add_argument("--screenshot", help="also save a screenshot of the Draw page with a 7 drawn (PNG)")
    parser.add_argument("--model-screenshot", help="also save a screenshot of the Model page (PNG)")
    parser.add_argument("--corrections-screenshot",
                        help="also correct three drawings and save a screenshot of the Corrections page (PNG)")
    parser.add_argument("--number-screenshot", help="also write 2026 in Number mode and save a screenshot (PNG)")
    parser.add_argument("--empty-cache", action="store_true",
                        help="start each server with an empty drawing cache of its own, as on a machine's first start: "
                             "it draws the training material ahead while the page loads and is drawn on")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        starts, app = [], None
        try:
            # Cold start: from launching `streamlit run` to the first prediction on screen, a fresh server each time.
            for run in range(args.cold_starts):
                cache = {"DIGITS_CACHE_DIR": str(Path(folder) / f"cache-{run}")} if args.empty_cache else {}
                ready, cold, app, page = cold_start(browser, Path(folder) / f"models-{run}", **cache)
                starts.append((ready, cold))
                if run < args.cold_starts - 1:
                    stop(app)
                    page.close()
            # Mouse-up to Prediction: clear, draw one stroke, time until the metric shows.
            latencies = []
            for i in range(args.drawings):
                reset_canvas(page)
                latencies.append(draw(page, ONE_STROKE[i % len(ONE_STROKE)], until=SHOWN) * 1000)
            if args.screenshot:
                reset_canvas(page)
                draw(page, ONE_STROKE[1])
                page.screenshot(path=args.screenshot)
            if args.number_screenshot:
                with new_run(page):
                    page.get_by_text("Number", exact=True).click()
                two, six = (TRAINING_STYLES[name][2](np.random.default_rng(3)) for name in ("2", "6"))
                draw(page, side_by_side(two, PLAIN[0], two, six), margin=0.1)
                page.get_by_text("Each part it read, boxed").wait_for(timeout=20_000)
                page.set_viewport_size({"width": 1280, "height": 1400})
                page.wait_for_timeout(500)
                page.screenshot(path=args.number_screenshot, full_page=True)
                with new_run(page):
                    page.get_by_text("Digit", exact=True).click()
                with new_run(page):  # its canvas, given back the drawing before the switch, has no bin: Clear
                    page.get_by_role("button", name="Clear", exact=True).click()
            if args.corrections_screenshot:
                for strokes, label in zip(ONE_STROKE, ("1", "7", "0")):
                    reset_canvas(page)
                    draw(page, strokes)
                    right = page.get_by_role("button", name=re.compile(rf"Right, it is an? {label}$"))
                    with new_run(page):  # the choices of a wrong answer leave out the digit read
                        (right if right.count() else page.locator('[data-testid="stButtonGroup"]').get_by_role(
                            "radio", name=label, exact=True)).click()
                with new_run(page):
                    page.get_by_role("link", name="Corrections").first.click()
                page.get_by_text("Kept in").wait_for(timeout=60_000)
                page.wait_for_timeout(1000)  # the chart draws itself after the run
                page.screenshot(path=args.corrections_screenshot, full_page=True)
            if args.model_screenshot:
                with new_run(page):
                    page.get_by_role("link", name="Model").first.click()
                page.get_by_text("Misread test digits").wait_for(timeout=60_000)
                page.set_viewport_size({"width": 1280, "height": 1500})
                page.wait_for_timeout(1000)  # the charts draw themselves after the run
                page.screenshot(path=args.model_screenshot, full_page=True)
        finally:
            if app is not None:
                stop(app)
            browser.close()
    latencies.sort()
    colds, readies = [cold for _, cold in starts], [ready for ready, _ in starts]
    figures = {
        "cold_start_s": round(statistics.median(colds), 2),
        "cold_starts_s": [round(cold, 2) for cold in colds],
        "page_ready_s": round(statistics.median(readies), 2),
        "mouse_up_to_prediction_ms": {
            "median": round(statistics.median(latencies)),
            "p95": round(latencies[int(0.95 * (len(latencies) - 1))]),
            "drawings": len(latencies),
        },
        "empty_cache": args.empty_cache,
    }
    m = figures["mouse_up_to_prediction_ms"]
    report([
        (f"cold start: `streamlit run` to the first prediction on screen, median of {len(colds)} "
         f"({min(colds):.2f}-{max(colds):.2f})", f"{figures['cold_start_s']} s"),
        ("(of which: until the canvas shows and a person can draw)", f"{figures['page_ready_s']} s"),
        (f"mouse-up to Prediction, median / p95 ({m['drawings']} drawings)", f"{m['median']} ms / {m['p95']} ms"),
    ], figures, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
