"""What a visitor's own program can send the server beyond what the page's widgets send: a canvas's picture or
strokes no canvas draws, Streamlit's "clear caches". It is read as nothing, or costs only that visitor
(digits/canvas.py, app_pages/reloads.py, streamlit_app.py)."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import re
import struct
import time
import zlib

import numpy as np
import pytest
import websockets
from PIL import Image
from streamlit.proto.BackMsg_pb2 import BackMsg

from digits.canvas import MAX_COMMANDS, canvas_pixels, canvas_png, checked_strokes, most_png_bytes
from digits.drawing import PLAIN, render
from app_pages.reloads import RecentlyKept, as_given, as_kept, drawings_size
from tests.browser import ROOT, copy_shipped_model, start_app
from tests.raw_session import RawSession

SIDE = 280  # the Digit canvas's
# The canvas's JSON of a stroke, as fabric.js sends it (the fields that matter here).
STROKE = {"type": "Path", "left": 40, "top": 40, "path": [["M", 40, 40], ["L", 240, 240]]}
STROKES = {"version": "6.7.1", "objects": [STROKE]}


def png_of(image: Image.Image, format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format)
    return buffer.getvalue()


def seven(side: int = SIDE) -> Image.Image:
    """A 7 as the canvas draws one: white ink on its black background."""
    drawn = Image.fromarray(render(PLAIN[7], side * 0.7, (side / 2, side / 2), 22, size=side))
    return Image.alpha_composite(Image.new("RGBA", drawn.size, (0, 0, 0, 255)), drawn)


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def chunk(kind: bytes, data: bytes) -> bytes:
    """A PNG chunk: its length, type, data and CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def zipped_text_chunks(png: bytes, count: int) -> bytes:
    """`png` with `count` zTXt chunks after its header, each of which unpacks to 0.9 MB of text."""
    text = chunk(b"zTXt", b"Comment\0\0" + zlib.compress(bytes(900_000), 9))
    return png[:33] + text * count + png[33:]  # the signature and IHDR take 33 bytes


def test_a_canvas_drawing_is_read_as_the_canvas_sends_it():
    png = png_of(seven())
    pixels = canvas_pixels(canvas_png(png, SIDE, SIDE))
    assert pixels.shape == (SIDE, SIDE, 4) and pixels[..., 0].max() == 255 and pixels[..., 0].min() == 0
    assert checked_strokes(STROKES) == {"objects": STROKES["objects"]}
    # Chunks that do not make its pixels are left out, read by no one: text chunks that unpack to 0.9 MB each on
    # every open (the review's 60 came to 60 MB), or a colour profile as Safari may add.
    bloated = zipped_text_chunks(png, 5)
    assert canvas_png(bloated, SIDE, SIDE) == png and (canvas_pixels(canvas_png(bloated, SIDE, SIDE)) == pixels).all()
    with Image.open(io.BytesIO(bloated)) as image:
        assert len(image.text["Comment"]) == 900_000  # as Pillow would have read it, five times


@pytest.mark.parametrize("png, why", [
    # 0.04 MB that would decode to 400 MB of RGBA: refused by its header
    (png_of(Image.new("1", (10_000, 10_000))), "is 10000x10000, not 280x280"),
    (png_of(seven(281)), "is 281x281, not 280x280"),
    (png_of(seven().convert("RGB"), "JPEG"), "is no PNG"),
    (png_of(seven())[:100], "cut short"),
    (png_of(seven()) + bytes(most_png_bytes(SIDE, SIDE)), "more than a 280x280 PNG can"),
    (png_of(seven())[:33] + png_of(seven())[8:], "no header or no pixels"),  # two headers
], ids=["10000x10000", "281x280", "JPEG", "cut short", "padded", "two headers"])
def test_a_picture_no_canvas_sends_is_refused_saying_why(png, why):
    with pytest.raises(ValueError, match=re.escape(why)):
        canvas_png(png, SIDE, SIDE)


def test_a_picture_cut_in_its_pixels_is_refused():
    png = png_of(Image.fromarray(np.random.default_rng(0).integers(0, 256, (SIDE, SIDE, 4), np.uint8)))
    start = png.index(b"IDAT") - 4
    length = int.from_bytes(png[start:start + 4], "big")
    cut = png[:start] + chunk(b"IDAT", png[start + 8:start + 8 + length // 2]) + png[-12:]  # half its pixels
    with pytest.raises(ValueError, match="cannot be read"):
        canvas_pixels(canvas_png(cut, SIDE, SIDE))


@pytest.mark.parametrize("strokes, why", [
    ({"objects": [{"type": "image", "src": "http://127.0.0.1:9/a.png"}]}, "not a list of paths"),
    (["not", "the canvas's JSON"], "not a list of paths"),
    ({"objects": [{**STROKE, "fill": {"type": "pattern", "source": "http://127.0.0.1:9/a.png"}}]}, "no number"),
    ({"objects": [{**STROKE, "left": "40"}]}, "are not all numbers"),
    ({"objects": [{**STROKE, "path": [[0], [1]] * 100}]}, "not a list of commands"),  # 3 bytes, 72 parsed, each
    ({"objects": [{**STROKE, "path": [["L", float("nan"), 1]]}]}, "not a list of commands"),
    ({"objects": [{**STROKE, "path": [["L"] + [1.5] * 7]}]}, "not a list of commands"),  # 400,000 took 33 MB
    ({"objects": [{**STROKE, "path": [["L", 10**400, 1]]}]}, "not a list of commands"),  # no float holds it
    ({"objects": [{**STROKE, "path": []}]}, "not a list of commands"),  # 1.7 KB parsed, for nothing drawn
    ({"objects": [{**STROKE, "k" * 33: 1}]}, "no number, short word"),
    ({"objects": [{**STROKE, "path": [["L", 1, 1]] * (MAX_COMMANDS + 1)}]}, f"more than {MAX_COMMANDS}"),
], ids=["an image", "no dict", "a pattern", "left a word", "tiny lists", "NaN", "a long command", "a huge number",
        "no command", "a long name", "too many commands"])
def test_strokes_no_canvas_sends_are_refused_saying_why(strokes, why):
    with pytest.raises(ValueError, match=re.escape(why)):
        checked_strokes(strokes)


def test_only_the_paths_of_the_strokes_are_kept():
    overlaid = {**STROKES, "overlayImage": {"type": "Image", "src": "http://127.0.0.1:9/a.png"}, "background": "red"}
    assert checked_strokes(overlaid) == {"objects": STROKES["objects"]}


def keep(store: RecentlyKept, tab: str, drawing: tuple) -> None:
    """Keep a tab's digit drawing (key, strokes, png) in `store`, as keep_over_reload keeps it."""
    state = {"digit-drawing": as_kept(drawing)}
    store.put(tab, state, drawings_size(state))


def test_the_drawings_kept_for_reloads_are_the_newest_within_their_bytes():
    store = RecentlyKept(most=3, most_bytes=100_000)
    small, large = png_of(seven()), bytes(60_000)  # about 3 KB, and a picture as large as a canvas's can be
    for tab in "ab":
        keep(store, tab, ("key", STROKES, small))
    keep(store, "c", ("key", STROKES, large))
    assert all(store.get(tab) for tab in "abc") and as_given(store.get("a"))["digit-drawing"] == ("key", STROKES, small)
    keep(store, "d", ("key", STROKES, large))  # 120 KB with c: a and b, then c, are dropped
    assert [tab for tab in "abcd" if store.get(tab)] == ["d"]
    keep(store, "d", ("key", STROKES, small))  # a tab's newer drawing replaces its bytes
    for tab in "efg":
        keep(store, tab, ("key", STROKES, small))
    assert [tab for tab in "defg" if store.get(tab)] == ["e", "f", "g"]  # and no more than 3 tabs
    store.drop("f")  # what is dropped no longer counts
    keep(store, "h", ("key", STROKES, large))
    assert [tab for tab in "efgh" if store.get(tab)] == ["e", "g", "h"] and store.bytes < 100_000
    # What was kept longer ago than most_seconds is given back no more, and makes room.
    brief = RecentlyKept(most=3, most_bytes=100_000, most_seconds=0.2)
    keep(brief, "old", ("key", STROKES, small))
    time.sleep(0.3)
    assert brief.get("old") is None
    keep(brief, "new", ("key", STROKES, small))
    assert list(brief.kept) == ["new"] and brief.get("new")
    # Strokes are counted as the JSON text they are kept as (27 KB here), not as their few bytes of PNG.
    strokes = {"objects": [{**STROKE, "path": [["Q", 142.85714285714286, 57.1, 143.5, 58.25]] * 600}]}
    tight = RecentlyKept(most=3, most_bytes=2 * len(json.dumps(strokes, separators=(",", ":"))))
    for tab in "xyz":
        keep(tight, tab, ("key", strokes, b""))
    assert [tab for tab in "xyz" if tight.get(tab)] == ["y", "z"]
    assert as_given(tight.get("z"))["digit-drawing"][1] == strokes
    # One alone over the bytes is kept nowhere, the others dropped before it (it had raised StopIteration).
    keep(tight, "big", ("key", {"objects": strokes["objects"] * 3}, b""))
    assert not tight.kept and tight.bytes == 0


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    process, url = start_app(copy_shipped_model(tmp_path_factory.mktemp("hostile") / "models"))
    yield url
    process.kill()
    process.wait()


def readings(session: RawSession) -> list[str]:
    return [metric.body for metric in session.drawn("metric") if metric.label == "Prediction"]


def test_a_canvas_picture_no_canvas_draws_is_read_as_no_drawing_and_not_kept(app_url):
    async def visit() -> None:
        async with RawSession(app_url) as visitor:
            await visitor.run()
            huge = png_of(Image.new("1", (10_000, 10_000)))
            for strokes, png_url in [(STROKES, data_url(huge)), (STROKES, data_url(b"not a PNG")),
                                     (STROKES, "no data URL"), ({"objects": "no list"}, data_url(png_of(seven())))]:
                await visitor.run([visitor.canvas(strokes, png_url)])
                assert not visitor.drawn("exception") and not readings(visitor), png_url[:40]
                assert "drawing=" not in visitor.query  # nothing kept for a reload, nor for an address passed on
            # The canvas's own picture of a 7 is read, and kept under the tab's address; of the strokes, only the paths,
            # not an image laid over them, which the canvas of whoever opened the address fetched from its server.
            overlaid = {**STROKES, "overlayImage": {"type": "Image", "src": "http://127.0.0.1:9/a.png"}}
            await visitor.run([visitor.canvas(overlaid, data_url(png_of(seven())))])
            assert readings(visitor) == ["7"] and "drawing=" in visitor.query
        async with RawSession(app_url, query=visitor.query) as opened:  # the address, passed on
            await opened.run()
            given = opened.given_drawing()
            assert readings(opened) == ["7"] and given["objects"] == STROKES["objects"] and "overlayImage" not in given

    asyncio.run(visit())


def test_a_message_larger_than_any_canvas_sends_is_not_taken(app_url):
    async def visit() -> None:
        async with RawSession(app_url) as visitor:
            await visitor.run()
            strokes = {"objects": [{**STROKE, "path": [["L", 1, 1]] * 250_000}]}  # 3 MB: 24 MB took 3.5 s
            with pytest.raises(websockets.ConnectionClosed):
                await visitor.run([visitor.canvas(strokes, data_url(png_of(seven())))])
        async with RawSession(app_url) as another:
            await another.run([])
            await another.run([another.canvas(STROKES, data_url(png_of(seven())))])
            assert readings(another) == ["7"]

    asyncio.run(visit())


def test_an_error_shows_the_visitor_no_traceback_nor_the_servers_paths(app_url):
    async def visit() -> None:
        async with RawSession(app_url) as visitor:
            await visitor.run()
            canvas = visitor.canvas(STROKES, "")
            canvas["json_value"] = '{"drawing": ["no drawing the canvas library can read"]}'
            await visitor.run([canvas])
            [error] = visitor.drawn("exception")  # raised in streamlit-drawable-canvas, before the page's checks
            assert error.type == "AttributeError" and not error.stack_trace
            assert str(ROOT) not in error.message and "no drawing" not in error.message

    asyncio.run(visit())


def test_a_visitors_clear_caches_leaves_the_server_and_other_tabs_drawings_as_they_were(app_url):
    async def visit() -> None:
        async with RawSession(app_url) as student:
            await student.run()
            await student.run([student.canvas(STROKES, data_url(png_of(seven())))])
            address = student.query
        async with RawSession(app_url) as visitor:
            await visitor.run()
            await visitor.send(BackMsg(clear_cache=True))  # the hidden menu's "Clear caches"
            await visitor.run()
        async with RawSession(app_url, query=address) as reloaded:  # the student's tab, reloaded
            await reloaded.run()
            assert readings(reloaded) == ["7"]

    asyncio.run(visit())
