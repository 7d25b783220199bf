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
# The chunks that make a PNG's pixels. The rest are left out before Pillow opens it: it unpacks text chunks on every
# open (the review's 62 KB PNG unpacked to 60 MB), and a browser may add others (Chromium writes only IHDR, IDAT and
# IEND; Safari's canvas may add a colour profile).
PIXEL_CHUNKS = (b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND")  # in the order a PNG holds them
# The most path commands a drawing's strokes may hold: the mouse or a finger sends 60-120 a second while it draws,
# and a 3-digit number came to about 400. Fabric.js writes up to 80 bytes of JSON for each (numbers unrounded), so
# 10,000 stay well under the server's 2 MB a message (.streamlit/config.toml).
MAX_COMMANDS = 10_000
MAX_NUMBERS = 6  # of one command: a curve's (C); the canvas's pen writes M, Q (4) and L
MAX_FIELDS = 48  # of one path object (fabric.js 7 writes 38), each a number, a short word, a bool or null
MAX_WORD = 32  # characters of a field's name or word (the longest fabric.js writes: "globalCompositeOperation")
# Fields that are numbers when present: the page moves and scales strokes by them (draw.move_to_number_strip).
NUMBERS = ("left", "top", "width", "height", "scaleX", "scaleY", "angle", "strokeWidth", "opacity")


def most_png_bytes(width: int, height: int) -> int:
    """The largest PNG a `width` x `height` canvas can send: its RGBA pixels stored uncompressed, with room for the
    chunks around them. The canvas's own come to 2-16 KB."""
    return 4 * (width + 1) * height + 65_536


def pixel_chunks(png: bytes) -> dict[bytes, list[bytes]]:
    """The chunks of `png` that make its pixels (PIXEL_CHUNKS), each whole (length, type, data, CRC), by type;
    ValueError if it is no PNG or is cut short."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("the canvas's picture is no PNG")
    chunks: dict[bytes, list[bytes]] = {kind: [] for kind in PIXEL_CHUNKS}
    at = len(PNG_SIGNATURE)
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8].ljust(8, b"\0"))
        if at + 12 + length > len(png):
            raise ValueError("the canvas's picture is cut short")
        if kind in chunks:
            chunks[kind].append(png[at:at + 12 + length])
        at += 12 + length
    return chunks


def is_number(value: object) -> bool:
    """True for a finite float or an integer a float holds exactly (JSON's numbers as a browser writes them): a
    400-digit integer made math.isfinite raise OverflowError."""
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= 2**53


def is_word(value: object) -> bool:
    """True for a string of at most MAX_WORD characters: a field's name, a colour, "round"."""
    return isinstance(value, str) and len(value) <= MAX_WORD


def checked_path(stroke: object) -> dict:
    """A fabric.js path object as the canvas writes one: "type" path, a "path" of one or more commands (a letter,
    then at most MAX_NUMBERS numbers: one of 400,000 numbers had passed, 33 MB kept for reloads), and at most
    MAX_FIELDS plain fields (numbers, short words, bools, null), a copy of them; ValueError otherwise. No nested
    objects: an image, a pattern or a clip path among them would be loaded by the canvas given the drawing."""
    if not isinstance(stroke, dict) or str(stroke.get("type")).lower() != "path" or len(stroke) > MAX_FIELDS:
        raise ValueError("the canvas's strokes are not a list of paths")
    commands = stroke.get("path")
    if not isinstance(commands, list) or not commands or not all(
            isinstance(c, list) and 1 <= len(c) <= 1 + MAX_NUMBERS and isinstance(c[0], str) and len(c[0]) == 1
            and all(map(is_number, c[1:])) for c in commands):
        raise ValueError("a stroke's path is not a list of commands")
    fields = {key: value for key, value in stroke.items() if key != "path"}
    if not all(is_word(key) and (value is None or isinstance(value, bool) or is_number(value) or is_word(value))
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
    if commands > MAX_COMMANDS or len(objects) > MAX_COMMANDS:  # each path holds a command or more
        raise ValueError(f"the canvas's strokes hold more than {MAX_COMMANDS} path commands")
    return {"objects": [checked_path(o) for o in objects]}


def canvas_png(png: bytes, width: int, height: int) -> bytes:
    """The picture a `width` x `height` canvas sent as `png`, with only the chunks that make its pixels. Raises
    ValueError, saying why, when it cannot be that canvas's: too many bytes, or no PNG of that size (read from its
    header, before any pixel is decoded)."""
    if len(png) > most_png_bytes(width, height):
        raise ValueError(f"the canvas's picture takes {len(png)} bytes, more than a {width}x{height} PNG can")
    chunks = pixel_chunks(png)
    if len(chunks[b"IHDR"]) != 1 or not chunks[b"IDAT"]:
        raise ValueError("the canvas's picture has no header or no pixels")
    size = struct.unpack(">II", chunks[b"IHDR"][0][8:16])
    if size != (width, height):
        raise ValueError(f"the canvas's picture is {size[0]}x{size[1]}, not {width}x{height}")
    return PNG_SIGNATURE + b"".join(b"".join(chunks[kind]) for kind in PIXEL_CHUNKS)


def canvas_pixels(png: bytes) -> np.ndarray:
    """The RGBA pixels of a canvas's picture (canvas_png); ValueError if it cannot be decoded."""
    try:
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))
    except OSError as error:  # cut short or damaged
        raise ValueError(f"the canvas's picture cannot be read: {error}") from None
