"""What a canvas on the page sends, checked before it is read or kept. The page's canvas sends a PNG of its own size
and its strokes as fabric.js paths, but a visitor's browser can send anything: a 10000x10000 PNG sent as the
canvas's picture (0.4 MB) took 2.3 GB and 11 s on each run of its session, and a broken one showed a traceback with
the server's paths to whoever opened its ?drawing= address (a security review, 2026-12-06)."""

from __future__ import annotations

import io
import json

import numpy as np
from PIL import Image

# The most bytes of JSON a drawing's strokes may take. A stroke's points come to about 40 bytes each: a 3-digit
# number drawn with a mouse took 15 KB, and a minute's scribbling over the whole strip about 200 KB.
MAX_STROKES_BYTES = 1_000_000


def most_png_bytes(width: int, height: int) -> int:
    """The largest PNG a `width` x `height` canvas can send: its RGBA pixels stored uncompressed, with room for the
    chunks around them. The canvas's own come to 2-16 KB."""
    return 4 * (width + 1) * height + 65_536


def canvas_pixels(png: bytes, strokes: object, width: int, height: int) -> np.ndarray:
    """The RGBA pixels of the drawing a `width` x `height` canvas sent as `png`, with its `strokes` (the canvas's
    JSON: {"objects": [paths]}). Raises ValueError, saying why, when they cannot be that canvas's: a PNG too many
    bytes or of another size (checked before its pixels are decoded), or strokes that are no list of paths or
    take more than MAX_STROKES_BYTES."""
    if len(png) > most_png_bytes(width, height):
        raise ValueError(f"the canvas's picture takes {len(png)} bytes, more than a {width}x{height} PNG can")
    objects = strokes.get("objects") if isinstance(strokes, dict) else None
    if not isinstance(objects, list) or not all(isinstance(o, dict) and str(o.get("type")).lower() == "path"
                                                for o in objects):
        raise ValueError("the canvas's strokes are not a list of paths")
    if len(json.dumps(strokes)) > MAX_STROKES_BYTES:
        raise ValueError(f"the canvas's strokes take more than {MAX_STROKES_BYTES} bytes")
    try:
        image = Image.open(io.BytesIO(png))  # its header only
        if image.format != "PNG" or image.size != (width, height):
            raise ValueError(f"the canvas's picture is a {image.format} of {image.size}, not a {width}x{height} PNG")
        return np.asarray(image.convert("RGBA"))
    except (OSError, Image.DecompressionBombError) as error:  # not an image, or cut short
        raise ValueError(f"the canvas's picture cannot be read: {error}") from None
