"""A picture with what was read in it: a box around each digit found and the digit over it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PIL import Image, ImageDraw, ImageFont, ImageStat

from digits.preprocessing import eight_bit

if TYPE_CHECKING:  # the page draws this before TensorFlow has loaded
    from digits.recognition import NumberRecognition

SURE, UNSURE = (0, 200, 120), (255, 170, 0)  # green boxes for digits read surely, amber for guesses
# A picture under this many pixels on its longer side is enlarged, its pixels kept sharp, before it is drawn on: a
# 12x12 photo of a 7 was shown as a tall, blurred strip, its label's band three times its height.
SMALLEST_SHOWN = 300


def annotated(picture: Image.Image, reading: NumberRecognition) -> Image.Image:
    """The picture (RGB) with each digit's box, and the digit read over it: amber with a "?" when unsure or when it
    looks like no digit; each dash's, with a "-".
    Lines and letters scale with the picture, so that they read the same on a canvas and a 12-megapixel photo; a
    picture under SMALLEST_SHOWN pixels is enlarged first.
    Each label goes over its box, never inside it: where a box has no room over it (a digit as tall as the
    picture), a band is added on top for the labels, in the colour of the picture's top edge (black over the
    canvas, the paper's over a photo, where a black band looked like part of the photo)."""
    scale = -(-SMALLEST_SHOWN // max(picture.size))  # 1 for any picture as large
    if scale > 1:
        picture = picture.resize((picture.width * scale, picture.height * scale), Image.Resampling.NEAREST)
    line = max(2, round(max(picture.size) / 300))
    height = max(bottom - top for _, top, _, bottom in reading.boxes) * scale
    # At least a thirtieth of the picture: over digits a tenth as tall as a 4,000-pixel photo, a quarter of their
    # height (25 pixels) was under 3 pixels high as the page shows the photo, about 400 pixels across.
    font = ImageFont.load_default(size=max(14, round(height / 4), round(max(picture.size) / 30)))
    room = round(font.size * 1.2) + 2 * line
    band = max(0, room - min(top for _, top, _, _ in reading.boxes) * scale)
    picture = eight_bit(picture).convert("RGB")  # a 16-bit grey too: convert alone showed it all white
    edge = tuple(int(v) for v in ImageStat.Stat(picture.crop((0, 0, picture.width, 1))).median)
    framed = Image.new("RGB", (picture.width, picture.height + band), edge)
    framed.paste(picture, (0, band))
    draw = ImageDraw.Draw(framed)
    # A drawing that looks like no digit is a guess too, however sure the model is (a smiley read as a 0 at 100% was
    # boxed in green under the page's "looks like no digit"). A dash kept in the number ("12-5") is boxed as read: it
    # was left bare, as if unread (a review, 2026-12-03); so are a decimal point and a comma.
    guesses = [digit.unsure or not digit.looks_like_a_digit for digit in reading.digits]
    marks = [(box, f"{digit.digit}?" if guess else str(digit.digit), UNSURE if guess else SURE)
             for digit, box, guess in zip(reading.digits, reading.boxes, guesses)]
    marks += [(box, "-", SURE) for box in reading.dash_boxes] + [(box, mark, SURE) for _, mark, box in reading.marks]
    for box, label, colour in marks:
        left, top, right, bottom = (v * scale for v in box)
        top, bottom = top + band, bottom + band
        draw.rectangle((left - line, top - line, right + line, bottom + line), outline=colour, width=line)
        draw.text((left, top - room), label, fill=colour, font=font, stroke_width=line // 2, stroke_fill=(0, 0, 0))
    return framed
