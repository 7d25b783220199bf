"""What the Draw and Photo pages show for a number (or a digit in a photo): the number, the picture with a box
and the digit read over each part, and each digit's three likeliest readings."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st
from PIL import Image

from digits.annotation import annotated
from digits.charts import probability_bars
from digits.numbers import places, places_unlike_digits

from app_pages.screen_reader import announce

if TYPE_CHECKING:  # imported for real in the background, as the server starts
    from digits.recognition import NumberRecognition, Recognition

MODES = ["Digit", "Number"]  # what the Draw and Photo pages read: one digit, or a whole number
AS_A_NUMBER = "Read it as a number"  # the button under point_to_number_mode's advice, on both pages
# The longest side of a picture as the page shows it: its column is at most about 700 pixels wide, 1,400 on a
# screen of two pixels to one (Streamlit shrinks any wider than 1,460). Streamlit took 0.28 s to encode and shrink a
# 12-megapixel photo on each run, against 0.07 s at 1,600 pixels.
SHOWN_AT_MOST = 1600


def left_out_lines(count: int, reading: str = "number") -> str:
    """The sentence that says `count` level lines were left out of the `reading` ("number", or "digit" as *Digit* mode
    reads a photo)."""
    if count == 1:
        return (f"A level line (an underline, a dash after the {reading}, or the first stroke of a 7 or a 5) is no "
                f"digit: it is left out of the {reading}.")
    return (f"{count} level lines (underlines, dashes after the {reading}, or the first strokes of 7s and 5s) are no "
            f"digits: they are left out of the {reading}.")


def sureness(digit: Recognition) -> str:
    """How sure the model is of a digit, as the metric under it says it: "97% sure", or that it looks like no digit
    at all (a smiley read as a 0 at 100%: the percentage would vouch for it)."""
    return f"{digit.confidence_percent} sure" if digit.looks_like_a_digit else "looks like no digit"


def show_answer_metric(label: str, value: str, sure: str) -> None:
    """The answer as a metric: `label` over the `value` read, how `sure` under it; and the same in words to a screen
    reader, whose metric is three paragraphs, none announced."""
    announce(f"{label}: {value}, {sure}")
    st.metric(label, value, delta=sure, delta_color="off", delta_arrow="off")


def hide_toolbars_on_touch() -> None:
    """On a screen that cannot hover, no toolbar over the answer's chart and pictures: a tap on the chart left it
    standing over the warning above, its last line (a phone). The Model page keeps its toolbars, for full screen."""
    st.html("<style>@media (hover: none) { [data-testid='stElementToolbar'] { display: none; } }</style>")


def no_digit_warning(digit: Recognition) -> str:
    """What to say of a drawing that the detector finds unlike any digit (Recognition.looks_like_a_digit)."""
    return (f"This does not look like a digit. The model knows only 0 to 9 and reads anything as one of them (this "
            f"as **{digit.digit}**): draw or write one digit from 0 to 9.")


def point_to_number_mode(number: NumberRecognition | None, surely: bool = True) -> bool:
    """In Digit mode, that the ink looks like a number, and to choose Number mode: when, read as a number, it is
    several digits or a digit after a dash, with `surely` each read surely (NumberRecognition.is_a_number). Returns
    whether it said so: then the advice to write an unsure digit more plainly would be wrong. How many digits, only
    where each is read surely: a 307 squeezed into the square was "a number of 4 digits" (a review, 2026-12-04). It
    names the button under it (AS_A_NUMBER), which the page draws where this returns True: "choose **Number**" sent a
    review to the switch, which on the Draw page gave an empty strip (2026-12-08)."""
    pointed = number is not None and number.is_a_number(surely)
    if pointed:
        read = number.without_level_lines()
        if read.number_starts:
            st.info(f"This looks like {len(read.number_starts) + 1} numbers: **{AS_A_NUMBER}**, below, reads them.")
        elif len(read.digits) > 1 and not read.unsure:
            st.info(f"This looks like a number of {len(read.digits)} digits: **{AS_A_NUMBER}**, below, reads it whole.")
        else:
            st.info(f"This looks like a number: **{AS_A_NUMBER}**, below, reads it whole.")
    return pointed


def as_shown(picture: Image.Image) -> Image.Image:
    """The picture at most SHOWN_AT_MOST pixels on its longer side, as the page shows it (shrunk in place)."""
    picture.thumbnail((SHOWN_AT_MOST, SHOWN_AT_MOST))
    return picture


def boxed(picture: Image.Image, reading: NumberRecognition) -> Image.Image:
    """The picture with the reading's boxes and digits over it (annotated), as the page shows it (as_shown)."""
    return as_shown(annotated(picture, reading))


def show_reading(reading: NumberRecognition, picture: Image.Image, label: str, advise: bool = True,
                 photo: bool = False) -> None:
    """The number read as a metric called `label` (numbers one under another or far apart: "2 numbers"), the
    `picture` with its boxes (boxed), and every digit's top 3 (of a single digit, the probability of each of
    the ten, as the Draw page shows them); first, that level lines were left out of it
    (NumberRecognition.without_level_lines), when they were. With `advise`, how to write the unsure digits more
    plainly, when some are, or (of a `photo`) how to crop it."""
    hide_toolbars_on_touch()
    if left_out := reading.level_lines_left_out:
        st.info(left_out_lines(left_out, label.lower()))  # the label is the mode, Digit or Number
    least = min(reading.digits, key=lambda d: d.confidence)
    one = len(reading.digits) == 1
    strange = [place for place, d in enumerate(reading.digits, start=1) if not d.looks_like_a_digit]
    if reading.number_starts:
        label = f"{len(reading.number_starts) + 1} numbers"
    if one:
        delta = sureness(least)
    elif strange:  # a percentage would vouch for what the detector doubts
        delta = places_unlike_digits(strange)
    else:
        delta = f"{least.confidence_percent} sure of its least sure digit"
    show_answer_metric(label, reading.shown_text, delta)
    if advise and one and not least.looks_like_a_digit:
        st.warning(no_digit_warning(least))
    elif advise and strange:  # a photo is no drawing to change: "write digits only" told a parent nothing (a review),
        # and "crop a photo" a writer on the Draw page, which has none (a review, 2026-12-08)
        st.warning(f"{places(strange).capitalize()} (marked ?, in amber) "
                   f"{'does' if len(strange) == 1 else 'do'} not look like a digit. The model knows only 0 to 9 and "
                   f"reads anything as one of them: {'crop the photo to its digits' if photo else 'write digits only'}.")
    elif advise and reading.unsure and one:
        st.warning("Not sure of this digit (marked ?, in amber). Try writing it more plainly.")
    elif advise and reading.unsure:
        unsure = [place for place, d in enumerate(reading.digits, start=1) if d.unsure]
        it = "it" if len(unsure) == 1 else "them"
        st.warning(f"Not sure of {places(unsure)} (marked ?, in amber). Try writing {it} more plainly or apart from "
                   "the neighbours.")
    st.image(picture, caption="The digit's box, with the digit read over it" if one else
             "Each part it read, boxed, with the digit over it",
             alt=f"The {'digit' if one else 'number'} boxed, read as {reading.shown_text}")
    if one:
        digit = reading.digits[0]
        st.vega_lite_chart(probability_bars(digit.probabilities, digit.digit, digit.looks_like_a_digit), height=240)
        return
    # "also" over a column of "–" told a student nothing (a review, 2026-12-04); an empty first header was read as
    # nothing (an accessibility review, 2026-12-07).
    rows = ["| place | read | sure | could also be |", "|---|---|---|---|"]
    for place, digit in enumerate(reading.digits, start=1):
        also = ", ".join(f"{d} ({p:.0%})" for d, p in digit.top(3)[1:] if f"{p:.0%}" != "0%") or "nothing else"
        mark = (" ⚠️ looks like no digit" if not digit.looks_like_a_digit else
                " ⚠️ unsure" if digit.unsure else "")
        sure = digit.confidence_percent if digit.looks_like_a_digit else "–"  # a percentage would vouch for it
        rows.append(f"| {place} | **{digit.digit}**{mark} | {sure} | {also} |")
    st.markdown("\n".join(rows))
