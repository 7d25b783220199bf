"""A picture with what was read in it: a box around each digit found and the digit over it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PIL import Image, ImageDraw, ImageFont

if TYPE_CHECKING:  # the page draws this before TensorFlow has loaded
    from digits.recognition import NumberRecognition

SURE, UNSURE = (0, 200, 120), (255, 170, 0)  # green boxes for digits read surely, amber for guesses


def annotated(picture: Image.Image, reading: NumberRecognition) -> Image.Image:
    """The picture (RGB) with each digit's box, and the digit read over it: amber with a "?" when unsure.
    Lines and letters scale with the picture, so that they read the same on a canvas and a 12-megapixel photo."""
    picture = picture.convert("RGB")
    draw = ImageDraw.Draw(picture)
    line = max(2, round(max(picture.size) / 300))
    height = max(bottom - top for _, top, _, bottom in reading.boxes)
    font = ImageFont.load_default(size=max(14, round(height / 4)))
    for digit, (left, top, right, bottom) in zip(reading.digits, reading.boxes):
        colour = UNSURE if digit.unsure else SURE
        draw.rectangle((left - line, top - line, right + line, bottom + line), outline=colour, width=line)
        label = f"{digit.digit}?" if digit.unsure else str(digit.digit)
        room = font.size * 1.2 + line
        y = top - room if top >= room else bottom + line if bottom + room <= picture.height else top  # over, under, in
        # On a black patch of its own: inside the box (a digit as tall as the canvas) the label would sit on the ink.
        x0, y0, x1, y1 = draw.textbbox((left, y), label, font=font, stroke_width=line // 2)
        draw.rectangle((max(x0 - line, left), y0 - line, x1 + line, y1 + line), fill=(0, 0, 0))  # not over the box
        draw.text((left, y), label, fill=colour, font=font, stroke_width=line // 2, stroke_fill=(0, 0, 0))
    return picture
