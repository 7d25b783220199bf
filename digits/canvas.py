"""What a canvas on the page sends, checked before it is read or kept. The page's canvas sends a PNG of its own size
and its strokes as fabric.js paths, but a visitor's program can send anything, and a tab's drawing goes to whoever
opens its address (app_pages/reloads.py). Two security reviews (2026-12-06) sent: a 10000x10000 PNG of 0.4 MB,
which took 2.3 GB and 11 s on each run of its session; a broken one, whose traceback showed the server's paths to
whoever opened the tab's address; a PNG whose text chunks unpacked to 60 MB on every run; strokes carrying an
overlay image, which the canvas of whoever opened the address fetched from the sender's server and painted over the
drawing; and strokes of 98,000 tiny lists, under 1 MB of JSON but 38 MB parsed, kept for reloads."""

from __future__ import annotations

import io
import math
import struct

import numpy as np
from PIL import Image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The chunks a browser's canvas writes (Chromium: IHDR, IDAT, IEND) and the small fixed ones others may add; none
# that unpacks (zTXt, iTXt, iCCP) or animates (acTL, fdAT).
PNG_CHUNKS = frozenset({b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND", b"sRGB", b"gAMA", b"cHRM", b"pHYs", b"bKGD"})
# The most path commands a drawing's strokes may hold: the mouse or a finger sends 60-120 a second while it draws,
# and a 3-digit number came to about 400. Parsed, each takes about 200 bytes, so 20,000 take about 4 MB.
MAX_COMMANDS = 20_000
COMMAND_BYTES = 250  # what each is counted as in memory (app_pages/reloads.py)
MAX_FIELDS = 64  # fields of one path object (fabric.js writes about 30), each a number, a word or a bool
MAX_WORD = 64  # characters of one of those words (a colour, "round")
# Fields that are numbers when present: the page moves and scales strokes by them (draw.read_as_a_number).
NUMBERS = ("left", "top", "width", "height", "scaleX", "scaleY", "angle", "strokeWidth", "opacity")


def most_png_bytes(width: int, height: int) -> int:
    """The largest PNG a `width` x `height` canvas can send: its RGBA pixels stored uncompressed, with room for the
    chunks around them. The canvas's own come to 2-16 KB."""
    return 4 * (width + 1) * height + 65_536


def png_chunks(png: bytes) -> list[bytes]:
    """The types of the chunks of `png`, read from their headers; ValueError if it is no PNG or is cut short."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("the canvas's picture is no PNG")
    chunks, at = [], len(PNG_SIGNATURE)
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8].ljust(8, b"\0"))
        at += 12 + length  # length, type, data, CRC
        if at > len(png):
            raise ValueError("the canvas's picture is cut short")
        chunks.append(kind)
    return chunks


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def checked_path(stroke: object) -> dict:
    """A fabric.js path object as the canvas writes one: "type" path, a "path" of commands (a letter, then at most
    7 numbers, as an arc has: one of 400,000 numbers had passed, 33 MB kept for reloads), and plain fields
    (numbers, short words, bools, null), a copy of them; ValueError otherwise. No nested objects: an image, a
    pattern or a clip path among them would be loaded by the canvas given the drawing."""
    if not isinstance(stroke, dict) or str(stroke.get("type")).lower() != "path" or len(stroke) > MAX_FIELDS:
        raise ValueError("the canvas's strokes are not a list of paths")
    commands = stroke.get("path")
    if not isinstance(commands, list) or not all(
            isinstance(c, list) and 1 <= len(c) <= 8 and isinstance(c[0], str) and len(c[0]) == 1
            and all(map(is_number, c[1:])) for c in commands):
        raise ValueError("a stroke's path is not a list of commands")
    fields = {key: value for key, value in stroke.items() if key != "path"}
    if not all(isinstance(key, str) and (value is None or isinstance(value, bool) or is_number(value)
                                         or (isinstance(value, str) and len(value) <= MAX_WORD))
               for key, value in fields.items()):
        raise ValueError("a stroke has a field that is no number, short word or bool")
    if not all(is_number(fields[key]) for key in NUMBERS if key in fields):
        raise ValueError(f"a stroke's {', '.join(NUMBERS)} are not all numbers")
    return {**fields, "path": [list(command) for command in commands]}


def checked_strokes(strokes: object) -> dict:
    """The canvas's strokes rebuilt as {"objects": [paths]} (checked_path), within MAX_COMMANDS; nothing else the
    JSON held (an overlay or background image) is kept. ValueError when they cannot be the canvas's."""
    objects = strokes.get("objects") if isinstance(strokes, dict) else None
    if not isinstance(objects, list):
        raise ValueError("the canvas's strokes are not a list of paths")
    commands = sum(len(o.get("path", ())) if isinstance(o, dict) and isinstance(o.get("path"), list) else 0
                   for o in objects)
    if commands > MAX_COMMANDS or len(objects) > MAX_COMMANDS:
        raise ValueError(f"the canvas's strokes hold more than {MAX_COMMANDS} path commands")
    return {"objects": [checked_path(o) for o in objects]}


def canvas_pixels(png: bytes, width: int, height: int) -> np.ndarray:
    """The RGBA pixels of the picture a `width` x `height` canvas sent as `png`. Raises ValueError, saying why, when
    it cannot be that canvas's: too many bytes, chunks a canvas does not write, or another size (all checked before
    its pixels are decoded)."""
    if len(png) > most_png_bytes(width, height):
        raise ValueError(f"the canvas's picture takes {len(png)} bytes, more than a {width}x{height} PNG can")
    if unexpected := set(png_chunks(png)) - PNG_CHUNKS:
        raise ValueError(f"the canvas's picture has chunks no canvas writes: {sorted(unexpected)}")
    try:
        image = Image.open(io.BytesIO(png))  # its header only
        if image.size != (width, height):
            raise ValueError(f"the canvas's picture is {image.size}, not {width}x{height}")
        return np.asarray(image.convert("RGBA"))
    except OSError as error:  # cut short or damaged
        raise ValueError(f"the canvas's picture cannot be read: {error}") from None


def drawing_bytes(strokes: dict, png: bytes) -> int:
    """About the memory a drawing kept takes: its PNG, and its strokes' commands parsed."""
    return len(png) + COMMAND_BYTES * sum(len(o.get("path", ())) for o in strokes["objects"])
