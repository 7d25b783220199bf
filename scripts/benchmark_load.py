"""Load: many visitors drawing at once on one server; errors, mouse-up to answer, the server's memory and CPU.

Starts `streamlit run` on a copy of the shipped model (a free port and a models folder of its own) and one Debian
Chromium, in which each session is a browser context of its own (its own cookies and websocket: a visitor of its own
to the server), all driven from one asyncio loop. One Chromium with many contexts rather than a browser per session:
on 2 cores, 20 Chromiums would take the CPU that the server is measured on.

Drawing (--sessions 20 --minutes 2): each session draws a one-stroke digit, waits for the answer, looks at it for
--pause s, clears the canvas, waits --pause s, and again. Churn (--churn 300): 300 sessions, --sessions at a time,
each open the page, draw a digit and close; the server's memory before they came and after they have gone.

Errors: exceptions in the page and on its console, Streamlit exceptions and error messages, timeouts, a digit read
as another, and tracebacks or errors in the server's log. Latency: from the mouse-up to the end of the script run it
started (its `script_finished` message on the websocket), once the answer is on screen. Server CPU: the process's
(and any children's) user+system time over the measure, per script run finished in any session (as many strokes'
runs as clearings'). The machine's load average is kept beside the figures: other work on it slows the answers.
Prints the figures and writes them under the mode's name (or --key) in benchmarks/load.json, beside the others.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Awaitable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.async_api import Browser, BrowserContext, Page, async_playwright  # noqa: E402
from playwright.async_api import Error as PlaywrightError  # noqa: E402

from benchmark_page import ONE_STROKE  # noqa: E402  (scripts/, on the path when this runs)

from digits.evaluation import report  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, ScriptRuns, copy_shipped_model, start_app, stroke_path  # noqa: E402

DRAWN = "170"  # what ONE_STROKE's digits read
ANSWER = '[data-testid="stMetric"]:has-text("Prediction") [data-testid="stMetricValue"]'
# Many pages in one headless Chromium: keep the ones not in front from being slowed down.
BROWSER_ARGS = [*CHROMIUM_ARGS, "--disable-renderer-backgrounding", "--disable-background-timer-throttling",
                "--disable-backgrounding-occluded-windows"]
# The visitor one core is sized for: a script run (a stroke, or clearing the canvas) every 2 s, as a person who
# draws a digit in a stroke or two, looks at the answer and clears it does.
RUN_EVERY_S = 2.0
TIMEOUT_S = 60  # for one run or answer; a page's first run waits for TensorFlow and the model on a cold server


class Server:
    """`streamlit run` on its own models folder: its memory, its CPU time and the errors it logged."""

    def __init__(self, models: Path) -> None:
        self.process, self.url = start_app(copy_shipped_model(models))
        self.errors: list[str] = []
        threading.Thread(target=self._read_log, daemon=True).start()

    def _read_log(self) -> None:
        # Drained all along: a full pipe would stop the server mid-write.
        for line in self.process.stdout:
            text = line.decode(errors="replace").strip()
            if any(word in text for word in ("Traceback", "Error", "Exception")):
                self.errors.append(f"server: {text}")

    def pids(self) -> list[int]:
        """The server's process and its descendants (a training, say)."""
        parents = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process has gone
                continue
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        found, queue = [], [self.process.pid]
        while queue:
            pid = queue.pop()
            found.append(pid)
            queue.extend(parents.get(pid, []))
        return found

    def rss_mb(self) -> float:
        """Resident memory (VmRSS) of the server and its descendants, in MB."""
        total = 0
        for pid in self.pids():
            status = Path(f"/proc/{pid}/status").read_text()
            total += int(status.split("VmRSS:")[1].split()[0])  # kB
        return total / 1024

    def cpu_s(self) -> float:
        """User+system CPU seconds the server and its descendants have used."""
        ticks = 0
        for pid in self.pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of the whole line
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class Visitor:
    """One browser session on the Draw page: the runs it saw, its mouse-up to answer times, its errors."""

    def __init__(self, context: BrowserContext, page: Page) -> None:
        self.context, self.page = context, page
        self.runs = ScriptRuns(page)
        self.box: dict | None = None  # the canvas's, once the page is open
        self.latencies: list[float] = []
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(f"page: {error}"))
        page.on("console", lambda message: message.type == "error" and self.errors.append(f"console: {message.text}"))

    @classmethod
    async def new(cls, browser: Browser) -> Visitor:
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        return cls(context, await context.new_page())

    async def attempt(self, action: Awaitable[None]) -> None:
        """Do one of the actions below; a failure is kept among the errors, and the visitor goes on."""
        try:
            await action
        except (PlaywrightError, TimeoutError) as error:
            self.errors.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")

    async def arrive(self, url: str) -> None:
        """Open the page and wait for its first run."""
        await self.page.goto(url, timeout=TIMEOUT_S * 1000)
        await self.page.wait_for_selector("canvas.upper-canvas", timeout=TIMEOUT_S * 1000)
        await self.finished(after=0)
        self.box = await self.page.locator("canvas.upper-canvas").bounding_box()

    async def finished(self, after: int) -> None:
        """Wait until a run begun after `after` runs had begun is over (ScriptRuns.wait_for_finish, in asyncio)."""
        deadline = time.monotonic() + TIMEOUT_S
        while self.runs.last_finished <= after:
            if time.monotonic() > deadline:
                # Runs begun, beside `after`, tell a stroke that never reached the server from a run that never ended.
                raise TimeoutError(f"no run begun after run {after} finished within {TIMEOUT_S} s "
                                   f"({self.runs.started} begun)")
            await asyncio.sleep(0.01)

    async def draw(self, which: int) -> None:
        """Draw ONE_STROKE[which] (one stroke), wait for the answer and check it."""
        before = self.runs.started
        for i, (x, y) in enumerate(stroke_path(ONE_STROKE[which][0], self.box)):
            await self.page.mouse.move(x, y)
            if i == 0:
                await self.page.mouse.down()
        await self.page.mouse.up()
        released = time.perf_counter()
        await self.finished(before)
        self.latencies.append(self.runs.finished_at - released)
        shown = (await self.page.locator(ANSWER).inner_text(timeout=TIMEOUT_S * 1000)).strip()
        if shown != DRAWN[which]:
            self.errors.append(f"a drawn {DRAWN[which]} read as {shown}")

    async def clear(self) -> None:
        before = self.runs.started
        await self.page.get_by_label("Reset canvas & history").click()
        await self.finished(before)

    async def leave(self) -> None:
        await self.context.close()

    def all_errors(self) -> list[str]:
        return self.errors + [f"shown: {error}" for error in self.runs.errors]


async def keep_drawing(visitor: Visitor, first: int, delay: float, until: float, pause: float) -> None:
    """After `delay` s, draw, look, clear, wait, and again, until `until` (time.monotonic())."""
    which = first
    await asyncio.sleep(delay)
    while time.monotonic() < until:
        await visitor.attempt(visitor.draw(which))
        await asyncio.sleep(pause)
        await visitor.attempt(visitor.clear())
        await asyncio.sleep(pause)
        which = (which + 1) % len(ONE_STROKE)


async def peak_rss(server: Server, peak: list[float]) -> None:
    """Keep the server's highest memory in peak[0], sampling once a second until cancelled."""
    while True:
        peak[0] = max(peak[0], server.rss_mb())
        await asyncio.sleep(1)


def latency_ms(visitors: list[Visitor]) -> dict:
    times = sorted(t * 1000 for visitor in visitors for t in visitor.latencies)
    return {"median": round(statistics.median(times)), "p95": round(times[int(0.95 * (len(times) - 1))]),
            "drawings": len(times)}


def errors(visitors: list[Visitor], server: Server) -> dict:
    found = [error for visitor in visitors for error in visitor.all_errors()] + server.errors
    return {"count": len(found), "first": found[:10]}


async def drawing(browser: Browser, server: Server, sessions: int, minutes: float, pause: float) -> dict:
    """`sessions` visitors drawing for `minutes`: errors, latency, the server's memory and CPU per run."""
    visitors = await asyncio.gather(*(Visitor.new(browser) for _ in range(sessions)))
    await asyncio.gather(*(visitor.attempt(visitor.arrive(server.url)) for visitor in visitors))
    drawers = [visitor for visitor in visitors if visitor.box]  # the others' errors say why not
    # Warm-up: every session's first answer (TensorFlow's first calls, the page's first charts) is not measured.
    await asyncio.gather(*(visitor.attempt(visitor.draw(0)) for visitor in drawers))
    await asyncio.gather(*(visitor.attempt(visitor.clear()) for visitor in drawers))
    for visitor in drawers:
        visitor.latencies.clear()
    before, cpu, runs = server.rss_mb(), server.cpu_s(), sum(visitor.runs.finished for visitor in drawers)
    peak = [before]
    sampler = asyncio.create_task(peak_rss(server, peak))
    until = time.monotonic() + minutes * 60
    # Staggered over one drawing's cycle, so that the sessions do not draw in step.
    await asyncio.gather(*(keep_drawing(visitor, i % len(ONE_STROKE), 2 * pause * i / len(drawers), until, pause)
                           for i, visitor in enumerate(drawers)))
    cpu = server.cpu_s() - cpu
    runs = sum(visitor.runs.finished for visitor in drawers) - runs
    sampler.cancel()
    await asyncio.gather(*(visitor.leave() for visitor in visitors))
    await asyncio.sleep(5)
    cpu_ms = 1000 * cpu / runs
    return {
        "sessions": sessions, "minutes": minutes, "pause_s": pause,
        "errors": errors(visitors, server),
        "mouse_up_to_answer_ms": latency_ms(drawers),
        "runs": runs, "server_cpu_ms_per_run": round(cpu_ms, 1),
        "server_rss_mb": {"before": round(before), "during_max": round(peak[0]), "after": round(server.rss_mb())},
        "visitors_per_core": int(RUN_EVERY_S * 1000 / cpu_ms),
        "visitors_per_core_assumes": f"a script run (a stroke or clearing the canvas) every {RUN_EVERY_S:g} s",
    }


async def churn(browser: Browser, server: Server, count: int, at_a_time: int, settle: float) -> dict:
    """`count` visitors, `at_a_time` at once, each open the page, draw once and leave: the server's memory."""
    first = await Visitor.new(browser)
    await first.arrive(server.url)
    await first.draw(0)
    await first.leave()
    await asyncio.sleep(5)
    start, peak = server.rss_mb(), [0.0]
    sampler = asyncio.create_task(peak_rss(server, peak))
    visitors: list[Visitor] = []
    slots = asyncio.Semaphore(at_a_time)

    async def visit(i: int) -> None:
        async with slots:
            visitor = await Visitor.new(browser)
            visitors.append(visitor)
            await visitor.attempt(visitor.arrive(server.url))
            if visitor.box:
                await visitor.attempt(visitor.draw(i % len(ONE_STROKE)))
            await visitor.leave()
            if (i + 1) % 50 == 0:  # visits begin in order: about as many have ended
                print(f"{i + 1} sessions, server at {server.rss_mb():.0f} MB", file=sys.stderr)

    await asyncio.gather(*(visit(i) for i in range(count)))
    sampler.cancel()
    right_after = server.rss_mb()
    # Streamlit keeps a closed session 120 s (server.disconnectedSessionTTL) in case its visitor reconnects.
    await asyncio.sleep(settle)
    after = server.rss_mb()
    return {
        "sessions": count, "at_a_time": at_a_time, "settle_s": settle,
        "errors": errors(visitors, server),
        "mouse_up_to_answer_ms": latency_ms(visitors),
        "server_rss_mb": {"start": round(start), "max": round(peak[0]), "right_after": round(right_after),
                          "after_settle": round(after), "difference": round(after - start)},
    }


async def measure(args: argparse.Namespace, models: Path) -> dict:
    server = Server(models)
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            try:
                if args.churn:
                    return await churn(browser, server, args.churn, args.sessions, args.settle)
                return await drawing(browser, server, args.sessions, args.minutes, args.pause)
            finally:
                await browser.close()
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20, help="sessions drawing at once (churn: open at once)")
    parser.add_argument("--minutes", type=float, default=2.0, help="how long they draw")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds a visitor looks at an answer, and after")
    parser.add_argument("--churn", type=int, help="instead, this many sessions each open, draw once and close")
    parser.add_argument("--settle", type=float, default=150.0,
                        help="churn: seconds to wait after the last session closed before the final memory")
    parser.add_argument("--key", help="the name to file the figures under (default: drawing, or churn)")
    parser.add_argument("--out", default="benchmarks/load.json")
    args = parser.parse_args()
    load = round(os.getloadavg()[0], 1)
    with tempfile.TemporaryDirectory() as folder:
        figures = asyncio.run(measure(args, Path(folder) / "models"))
    figures["load_average"] = {"start": load, "end": round(os.getloadavg()[0], 1)}
    key = args.key or ("churn" if args.churn else "drawing")
    out = Path(args.out)
    filed = {**(json.loads(out.read_text()) if out.is_file() else {}), key: figures}
    latency, rss = figures["mouse_up_to_answer_ms"], figures["server_rss_mb"]
    rows = [("errors", str(figures["errors"]["count"])),
            (f"mouse-up to answer, median / p95 ({latency['drawings']} drawings)",
             f"{latency['median']} ms / {latency['p95']} ms")]
    if args.churn:
        rows.append((f"server memory: start, after {args.churn} sessions came and went and {args.settle:g} s",
                     f"{rss['start']} MB → {rss['after_settle']} MB ({rss['difference']:+} MB)"))
    else:
        rows += [(f"server CPU per script run ({figures['runs']} runs, {args.sessions} sessions)",
                  f"{figures['server_cpu_ms_per_run']} ms"),
                 ("server memory: before, max during, after",
                  f"{rss['before']} / {rss['during_max']} / {rss['after']} MB"),
                 (f"drawing visitors one core serves ({figures['visitors_per_core_assumes']})",
                  str(figures["visitors_per_core"]))]
    for error in figures["errors"]["first"]:
        print(error, file=sys.stderr)
    report(rows, filed, str(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
