"""The page's charts as plain Vega-Lite specifications.

Plain dictionaries rather than Altair: Altair's schema check made the first answer after start-up 0.3 s
slower, and a dictionary is easy to test. Each says what it shows in words (its "description", which the browser
gives a screen reader in place of "Vega visualization"): an accessibility review heard the probability chart as
"0 1 2 … digit 0% … probability" (2026-12-05).
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from digits.annotation import UNSURE

READ = "#ff4b4b"  # the digit read, the training curve
OTHER = "#8a8f98"
VALIDATION = "#4b9bff"
COMPARED = "#ffa421"  # the second model on the Model page: Vega-Lite's own two blues were hard to tell apart
# Each chart's description says it to a screen reader, and its marks and axes nothing more: Vega gave each point a
# label of its own, 396 on the Model page, and the accuracy curves', drawn as their error, said "accuracy: 0.0134"
# of 98.66% (an accessibility review, 2026-12-07).
DESCRIBED_ONLY = {"aria": False}
GUESS = "#{:02x}{:02x}{:02x}".format(*UNSURE)  # the digit read from a drawing that looks like no digit: the amber
# of the boxes of guesses


def described_probabilities(probabilities: np.ndarray) -> str:
    """The likeliest three digits' probabilities in words, those of 0.1% or more: "7 95.0%, 1 3.0%, 9 1.5%, the
    others at most 0.5%" ("3 0.0%" said nothing); "7 100.0%, the others under 0.1%"."""
    ranked = sorted(range(len(probabilities)), key=lambda d: -np.nan_to_num(probabilities[d], nan=-1.0))
    shown = [d for d in ranked[:3] if probabilities[d] >= 0.001]
    rest = [probabilities[d] for d in ranked[len(shown):] if np.isfinite(probabilities[d])]
    if not shown:  # a model that gave no numbers (NaN)
        return "Probability of each digit: not known"
    others = f"at most {max(rest):.1%}" if rest and max(rest) >= 0.001 else "under 0.1%"
    return "Probability of each digit: " + ", ".join(f"{d} {probabilities[d]:.1%}" for d in shown) + \
        f", the others {others}"


def probability_bars(probabilities: np.ndarray, digit: int, looks_like_a_digit: bool = True) -> dict:
    """A bar for each digit's probability, the digit read in red; for a drawing that looks like no digit
    (Recognition.looks_like_a_digit), in amber under a title saying so, where a bar at 100% alone would say "surely
    a 0" of a smiley."""
    # A title of 30 characters was cut short over the Draw page's chart (1,280-pixel window).
    title = {} if looks_like_a_digit else {"title": {"text": "Read as a digit anyway",
                                                     "color": GUESS, "fontWeight": "normal"}}
    return {
        **title,
        "config": DESCRIBED_ONLY,
        "description": described_probabilities(probabilities),
        "data": {"values": [{"digit": str(d), "probability": float(p), "read": d == digit}
                            for d, p in enumerate(probabilities)]},
        "mark": "bar",
        "encoding": {
            # Every digit labelled: in a narrow column (a 1024-pixel window) Vega-Lite left out every other one.
            "x": {"field": "digit", "type": "nominal", "sort": None, "axis": {"labelAngle": 0, "labelOverlap": False}},
            "y": {"field": "probability", "type": "quantitative", "scale": {"domain": [0, 1]}, "axis": {"format": "%"}},
            "color": {"condition": {"test": "datum.read", "value": READ if looks_like_a_digit else GUESS},
                      "value": OTHER},
            "tooltip": [{"field": "digit"}, {"field": "probability", "type": "quantitative", "format": ".2%"}],
        },
    }


LEAST_ERROR = 1e-4  # an accuracy of 100% is drawn at 99.99% (its tick labelled 100%): a log scale has no zero
# A model that never reads this many right (a training on a few hundred images, 11%) is drawn on a plain axis: its
# errors, 88-89%, spanned no tick of the log scale, which put a lone "70%" below curves lying on the chart's edge.
PLAIN_UNDER = 0.9


def log_ticks(values: Sequence[float]) -> list[float]:
    """Ticks at 1 and 3 times each power of ten that positive, finite `values` span (none if there are none)."""
    shown = [v for v in values if 0 < v < math.inf]
    if not shown:
        return []
    least, most = min(shown), max(shown)
    steps = [float(f"{m}e{k}") for k in range(math.floor(math.log10(least)), math.ceil(math.log10(most)) + 1)
             for m in (1, 3)]
    return [s for s in steps if least / 3 <= s <= most * 3]


def curve_values(points: Sequence[dict], measure: str) -> list[dict]:
    """The rows of a learning-curve chart: `measure` of the training batches and the validation images at each point
    that has it, with the error (1 - accuracy, at least LEAST_ERROR) beside an accuracy."""
    values = [
        {"epoch": p["epoch"], "set": name, measure: p[key]}
        for p in points
        for name, key in (("training", measure), ("validation", f"val_{measure}"))
        if p.get(key) is not None
    ]
    if measure == "accuracy":
        for value in values:
            value["error"] = max(1 - value["accuracy"], LEAST_ERROR)
    return values


def learning_curves(points: Sequence[dict], measure: str, legend: str = "top", epochs: float | None = None,
                    beside: Sequence[Sequence[dict]] = ()) -> dict:
    """`measure` ("loss" or "accuracy") on the training batches and the validation images, by epoch, with the
    legend at `legend` ("top" or "right"), from 0 to `epochs` when given (else as far as the points go). In a
    240-pixel chart a legend on top left the plot about 75 pixels high (Streamlit keeps room above it), one at the
    right about 165: "right" where the chart is wide enough. `beside`: the points of the charts shown beside this
    one, whose values its y axis spans too, so that two models side by side share one scale (each on its own, a
    Quick model's 99.1% stood as high as the shipped model's 99.6%)."""
    values = curve_values(points, measure)
    spanned = values + [value for other in beside for value in curve_values(other, measure)]
    # Both on log scales, labelled at 1 and 3 times each power of ten (Vega-Lite's own log ticks drew a grid line
    # at every minor step and labelled only some, as 3, 0.2, 0.01). Loss falls by orders of magnitude. Accuracy
    # passes 98% within the first epoch and then creeps: on a linear axis the Full recipe's last 18 epochs were one
    # flat line at the top. So it is drawn as its error, 1 - accuracy, on a reversed log scale labelled as accuracy:
    # 99% to 99.7% stands as tall as 90% to 97%. A weak model's (PLAIN_UNDER) is drawn as it is.
    if measure == "accuracy" and max((value["accuracy"] for value in spanned), default=1.0) < PLAIN_UNDER:
        # A tenth of a percent where the ticks need it: whole percents read "11%, 11%, 12%, 12%" over a Quick
        # model's 11.3-12.1% (a review, 2026-12-07).
        y = {"field": "accuracy", "type": "quantitative", "title": "accuracy", "scale": {"zero": False},
             "axis": {"format": ".1~%"}}
    elif measure == "accuracy":
        y = {"field": "error", "type": "quantitative", "title": "accuracy", "scale": {"type": "log", "reverse": True}}
        errors = [value["error"] for value in spanned]
        ticks = [t for t in log_ticks(errors) if t < 1]
        # 50% right where over 35% are wrong, 10% where over 63% are: a weak model's curves beside a strong one's
        # lay under the last tick, 70%, unlabelled (a review, 2026-12-05).
        ticks += [t for t in (0.5, 0.9) if max(errors, default=0.0) > 0.7 * t]
        if ticks:
            # Ticks under an error of 0.1% get two decimals: with one, 99.97% and 99.99% both read "100%". The least
            # error drawn is labelled 100%: a fine-tune's curve that read all of its 500 validation digits right
            # topped out at a "99.99%" no such count can give (a review, 2026-12-05).
            y["axis"] = {"values": ticks, "labelExpr": f"datum.value <= {LEAST_ERROR} ? '100%' : "
                                                       "format(1 - datum.value, datum.value < 0.001 ? '.2~%' : '.1~%')"}
    else:
        y = {"field": measure, "type": "quantitative", "title": measure, "scale": {"type": "log"}}  # no "zero"
        ticks = log_ticks([value[measure] for value in spanned])
        if ticks:
            y["axis"] = {"values": ticks, "format": "~g"}
    shown = [value[y["field"]] for value in spanned if math.isfinite(value[y["field"]])]
    shown = [v for v in shown if v > 0] if y["scale"].get("type") == "log" else shown
    # The domain given, rounded as Vega-Lite rounds one of its own (to powers of ten): one for all the charts beside;
    # and Streamlit draws a chart before it adds its data, on which Vega found none, and warned of an "Infinite
    # extent" and a "log scale domain [that] includes zero", 16 times for the Model page's curves (2026-12-06).
    if shown:
        y["scale"].update(domain=[min(shown), max(shown)], nice=True)
    last = {value["set"]: value[measure] for value in values}  # each set's last point, the later overwriting
    return {
        "config": DESCRIBED_ONLY,
        "description": f"Learning curves, {measure} by epoch" + "".join(
            f"; {name} {value:.2%}" if measure == "accuracy" else f"; {name} {value:.4f}"
            for name, value in last.items()) + (" at the end" if last else ": no points yet"),
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": {
            # Two decimals at most: with one point (at 0.244 of the first epoch) Vega labelled it "0.244000".
            # From 0: an axis from the first point (at 0.25) moved as a training ended (a review, 2026-12-04).
            # About five ticks: a 2-epoch model's were every 0.1 epoch, 21 in a narrow chart (a review, 2026-12-05).
            "x": {"field": "epoch", "type": "quantitative", "title": "epoch",
                  "axis": {"format": ".2~f", "tickCount": 5},
                  "scale": {"domain": [0, epochs or max((p["epoch"] for p in points), default=1)]}},
            "y": y,
            "color": {"field": "set", "type": "nominal", "title": None,
                      "scale": {"domain": ["training", "validation"], "range": [READ, VALIDATION]},
                      "legend": {"orient": legend, "padding": 0}},
            # Told apart by their points and lines too, not by colour alone (an accessibility review, 2026-12-07),
            # in one legend.
            "shape": {"field": "set", "type": "nominal", "title": None,
                      "scale": {"domain": ["training", "validation"], "range": ["circle", "square"]},
                      "legend": {"orient": legend, "padding": 0}},
            "strokeDash": {"field": "set", "type": "nominal", "title": None,
                           "scale": {"domain": ["training", "validation"], "range": [[1, 0], [6, 3]]},
                           "legend": {"orient": legend, "padding": 0}},
            "tooltip": [{"field": "set"}, {"field": "epoch"},
                        {"field": measure, "format": ".2%" if measure == "accuracy" else ".4f"}],
        },
    }


def confusion_heatmap(confusion: np.ndarray) -> dict:
    """The confusion matrix as a heatmap: true digit down, digit read across, on a log colour scale so
    that the few errors show beside the thousand right answers."""
    values = [{"true": str(t), "read": str(r), "count": int(confusion[t, r])}
              for t in range(10) for r in range(10) if confusion[t, r]]
    # Both axes always run 0-9: from its cells alone, a model that never reads some digits got a narrower grid
    # whose diagonal was not the right answers.
    axis, digits = {"labelAngle": 0}, {"domain": [str(d) for d in range(10)]}
    errors = sorted(((int(confusion[t, r]), t, r) for t in range(10) for r in range(10) if t != r and confusion[t, r]),
                    reverse=True)[:3]
    # Its domain given, as learning_curves' is, for Vega's warnings on a chart drawn before its data.
    counts = {"type": "log", "scheme": "blues"} | (
        {"domain": [min(v["count"] for v in values), max(v["count"] for v in values)]} if values else {})
    return {
        "config": DESCRIBED_ONLY,
        "description": f"Confusion matrix: {int(np.trace(confusion)):,} of {int(confusion.sum()):,} read right"
                       + "".join(f"; {t} read as {r} {n:,} times" for n, t, r in errors),
        "data": {"values": values},
        "layer": [
            {"mark": "rect", "encoding": {
                "color": {"field": "count", "type": "quantitative", "scale": counts, "legend": None}}},
            {"mark": {"type": "text", "fontSize": 10}, "encoding": {
                "text": {"field": "count"},
                "color": {"condition": {"test": "datum.count > 100", "value": "white"}, "value": "black"}}},
        ],
        "encoding": {
            "x": {"field": "read", "type": "ordinal", "title": "digit read", "axis": axis, "scale": digits},
            "y": {"field": "true", "type": "ordinal", "title": "true digit", "axis": axis, "scale": digits},
            "tooltip": [{"field": "true"}, {"field": "read"}, {"field": "count"}],
        },
    }


def per_digit_points(accuracies: dict[str, Sequence[float]]) -> dict:
    """Accuracy per digit for one or more models (name -> ten accuracies), a point each, side by side.

    Points, not bars: the axis starts near the lowest accuracy (at zero every digit would look alike), and a bar
    cut off there drew 99.3% at three fifths the height of 100%.
    """
    values = [{"digit": str(d), "model": name, "accuracy": float(a)}
              for name, per_digit in accuracies.items() for d, a in enumerate(per_digit)]
    low = min(v["accuracy"] for v in values) if values else 0.0
    return {
        "config": DESCRIBED_ONLY,
        "description": "Accuracy per digit: " + "; ".join(
            f"{name} " + ", ".join(f"{d} {a:.2%}" for d, a in enumerate(per_digit))
            for name, per_digit in accuracies.items()),
        "data": {"values": values},
        "mark": {"type": "point", "filled": True, "size": 120, "opacity": 1},
        "encoding": {
            "x": {"field": "digit", "type": "nominal", "axis": {"labelAngle": 0, "grid": True}},
            "xOffset": {"field": "model", "sort": list(accuracies)},  # in the order given: the model picked first
            "y": {"field": "accuracy", "type": "quantitative", "axis": {"format": "%"},
                  "scale": {"domain": [max(0.0, low - 0.005), 1]}},
            # A legend only when there is something to tell apart: the one model's name is above the chart. Names
            # whole: cut at Vega's 160 pixels, two fine-tunes both read "handwriting-20261203-1…".
            "color": {"field": "model", "legend": {"orient": "top", "labelLimit": 0} if len(accuracies) > 1 else None,
                      "scale": {"domain": list(accuracies), "range": [VALIDATION, COMPARED][:len(accuracies)]}},
            "tooltip": [{"field": "model"}, {"field": "digit"}, {"field": "accuracy", "format": ".2%"}],
        },
    }


def correction_bars(counts: dict[int, int]) -> dict:
    """How many drawings are kept of each digit (digit -> count), a bar each: "drawings", as the page's count says,
    since a drawing confirmed as read right is kept too."""
    return {
        "config": DESCRIBED_ONLY,
        "description": "Drawings kept of each digit: " + ", ".join(f"{d} {n:,}" for d, n in sorted(counts.items())),
        "data": {"values": [{"digit": str(d), "drawings": int(n)} for d, n in sorted(counts.items())]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "digit", "type": "nominal", "sort": None, "axis": {"labelAngle": 0}},
            # Its domain given, as learning_curves' is: on the chart drawn before its data, Vega warned of an "Infinite
            # extent for field drawings_start" on every visit (a review, 2026-12-06).
            "y": {"field": "drawings", "type": "quantitative", "axis": {"tickMinStep": 1},
                  "scale": {"domain": [0, max(counts.values(), default=1)], "nice": True}},
            "color": {"value": VALIDATION},
            "tooltip": [{"field": "digit"}, {"field": "drawings"}],
        },
    }
