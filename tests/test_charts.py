"""The charts: what their axes show, and what they say in words."""

import numpy as np

from digits.charts import confusion_heatmap, correction_bars, learning_curves, per_digit_points, probability_bars

POINTS = [{"epoch": 0.25, "loss": 2.5, "val_loss": 0.9, "accuracy": 0.4, "val_accuracy": 0.7},
          {"epoch": 1.0, "loss": 0.05, "val_loss": 0.012, "accuracy": 0.98, "val_accuracy": 0.99}]


def test_the_loss_axis_is_labelled_at_one_and_three_times_the_powers_of_ten_it_spans():
    chart = learning_curves(POINTS, "loss")
    y = chart["encoding"]["y"]
    # No "zero": Vega-Lite drops it from a log scale, with a warning. The domain is the data's, given (Streamlit draws
    # a chart before its data, and Vega warned of an empty one).
    assert y["scale"] == {"type": "log", "domain": [0.012, 2.5], "nice": True}
    assert y["axis"]["values"] == [0.01, 0.03, 0.1, 0.3, 1.0, 3.0]  # 0.012 to 2.5
    assert len(chart["data"]["values"]) == 4  # training and validation at both points


def test_the_loss_axis_follows_any_range_and_leaves_out_what_a_log_scale_cannot_show():
    diverged = [{"epoch": 0.25, "loss": 40000.0, "val_loss": float("nan")}, {"epoch": 0.5, "loss": 0.0}]
    assert learning_curves(diverged, "loss")["encoding"]["y"]["axis"]["values"] == [30000.0, 100000.0]
    assert "axis" not in learning_curves([{"epoch": 0.25, "loss": 0.0}], "loss")["encoding"]["y"]


def test_accuracy_is_drawn_as_its_error_on_a_reversed_log_scale_labelled_as_accuracy():
    chart = learning_curves(POINTS + [{"epoch": 2.0, "accuracy": 1.0, "val_accuracy": 0.997}], "accuracy")
    y = chart["encoding"]["y"]
    assert y["field"] == "error" and y["title"] == "accuracy"
    assert y["scale"] == {"type": "log", "reverse": True, "domain": [0.0001, 0.6], "nice": True}  # high is better
    errors = [round(v["error"], 6) for v in chart["data"]["values"]]
    assert errors == [0.6, 0.3, 0.02, 0.01, 0.0001, 0.003]  # 100% is drawn at 99.99%: a log scale has no zero
    # 100% (error 1) left out; 50% for the first point's 40%, which lay under the last tick, 70%, unlabelled.
    assert y["axis"]["values"] == [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5]
    assert "1 - datum.value" in y["axis"]["labelExpr"]  # the ticks read as accuracy: 99.97% to 50%...
    # ...but the least error drawn, where 100% lies, as 100% (seen in Chromium), not 99.99%
    assert y["axis"]["labelExpr"].startswith(f"datum.value <= {min(errors)} ? '100%' : ")
    assert [v["accuracy"] for v in chart["data"]["values"]][:2] == [0.4, 0.7]  # the tooltip's figures


def test_the_accuracy_of_a_model_that_learned_little_is_drawn_on_a_plain_axis():
    # A training of 300 images scored about 11%: its errors span no tick of the reversed log scale.
    weak = [{"epoch": 0.5, "accuracy": 0.105, "val_accuracy": 0.11}, {"epoch": 1.0, "accuracy": 0.12,
                                                                        "val_accuracy": 0.1107}]
    y = learning_curves(weak, "accuracy")["encoding"]["y"]
    assert y["field"] == "accuracy" and y["scale"] == {"zero": False, "domain": [0.105, 0.12], "nice": True}
    assert y["axis"] == {"format": ".1~%"}  # 11.2%, 11.4%: whole percents said "11%, 11%, 12%"
    # One that reaches 90% is drawn on the log scale, its ticks among its errors.
    y = learning_curves(weak + [{"epoch": 2.0, "accuracy": 0.92, "val_accuracy": 0.9}], "accuracy")["encoding"]["y"]
    assert y["field"] == "error" and y["axis"]["values"] == [0.03, 0.1, 0.3, 0.5, 0.9]


def test_the_confusion_heatmap_is_ten_by_ten_even_for_a_model_that_never_reads_some_digits():
    confusion = np.zeros((10, 10), dtype=int)
    confusion[:, 2], confusion[4, 4] = 90, 10  # every digit read as a 2, but for ten 4s
    chart = confusion_heatmap(confusion)
    assert {v["read"] for v in chart["data"]["values"]} == {"2", "4"}
    for axis in ("x", "y"):  # else Vega-Lite draws a column for 2 and one for 4 only, with no diagonal
        assert chart["encoding"][axis]["scale"]["domain"] == [str(d) for d in range(10)]
    # The colours' log scale spans the counts there are, given: Vega warned of an empty one before Streamlit's data.
    assert chart["layer"][0]["encoding"]["color"]["scale"]["domain"] == [10, 90]


def test_charts_side_by_side_share_their_y_scales_so_the_higher_curve_is_the_better_model():
    quick = [{"epoch": 1.0, "loss": 0.2, "val_loss": 0.05, "accuracy": 0.95, "val_accuracy": 0.985},
             {"epoch": 2.0, "loss": 0.04, "val_loss": 0.03, "accuracy": 0.988, "val_accuracy": 0.991}]
    full = [{"epoch": 10.0, "loss": 0.01, "val_loss": 0.015, "accuracy": 0.997, "val_accuracy": 0.996},
            {"epoch": 20.0, "loss": 0.002, "val_loss": 0.012, "accuracy": 0.9995, "val_accuracy": 0.9975}]
    for measure in ("loss", "accuracy"):
        alone = [learning_curves(points, measure)["encoding"]["y"] for points in (quick, full)]
        assert alone[0]["axis"]["values"] != alone[1]["axis"]["values"]  # each on its own scale
        assert alone[0]["scale"]["domain"] != alone[1]["scale"]["domain"]  # each its own data's
        paired = [learning_curves(quick, measure, beside=[full])["encoding"]["y"],
                  learning_curves(full, measure, beside=[quick])["encoding"]["y"]]
        assert paired[0] == paired[1]  # the same field, scale, domain and ticks
        field = paired[0]["field"]
        every = [v[field] for points in (quick, full) for v in learning_curves(points, measure)["data"]["values"]]
        assert paired[0]["scale"]["domain"] == [min(every), max(every)] and paired[0]["scale"]["nice"]
        # The data stay each model's own.
        assert learning_curves(quick, measure, beside=[full])["data"] == learning_curves(quick, measure)["data"]
    # A weak model, drawn alone on a plain axis, shares the log scale beside a strong one, whose ticks reach it.
    weak = [{"epoch": 1.0, "accuracy": 0.11, "val_accuracy": 0.105}]
    assert learning_curves(weak, "accuracy")["encoding"]["y"]["field"] == "accuracy"
    y = learning_curves(weak, "accuracy", beside=[full])["encoding"]["y"]
    assert y["field"] == "error" and y["scale"]["domain"][1] == 0.895
    assert y["axis"]["values"][-3:] == [0.3, 0.5, 0.9]  # 70%, 50% and 10%: the weak model's 10.5-11% among them


def test_each_chart_says_what_it_shows_in_words_for_a_screen_reader():
    probabilities = np.full(10, 0.0)
    probabilities[[7, 1, 9, 4]] = [0.95, 0.03, 0.015, 0.005]
    assert probability_bars(probabilities, 7)["description"] == (
        "Probability of each digit: 7 95.0%, 1 3.0%, 9 1.5%, the others at most 0.5%")
    probabilities[[7, 1, 9, 4]] = [0.998, 0.0015, 0.0004, 0.0001]
    assert probability_bars(probabilities, 7)["description"] == (
        "Probability of each digit: 7 99.8%, 1 0.1%, the others under 0.1%")
    assert probability_bars(np.full(10, 0.1), 3)["description"] == (
        "Probability of each digit: 0 10.0%, 1 10.0%, 2 10.0%, the others at most 10.0%")
    assert probability_bars(np.full(10, np.nan), 0)["description"] == "Probability of each digit: not known"
    confusion = np.diag(np.full(10, 100))
    confusion[4, 9], confusion[5, 3], confusion[2, 7], confusion[8, 0] = 12, 5, 3, 1
    assert confusion_heatmap(confusion)["description"] == (
        "Confusion matrix: 1,000 of 1,021 read right; 4 read as 9 12 times; 5 read as 3 5 times; 2 read as 7 3 times")
    points = [{"epoch": 0.5, "accuracy": 0.9, "val_accuracy": 0.95}, {"epoch": 1.0, "accuracy": 0.98}]
    assert learning_curves(points, "accuracy")["description"] == (
        "Learning curves, accuracy by epoch; training 98.00%; validation 95.00% at the end")
    assert learning_curves([], "loss")["description"] == "Learning curves, loss by epoch: no points yet"
    assert per_digit_points({"digits": [0.99] * 9 + [0.985]})["description"] == (
        "Accuracy per digit: digits " + ", ".join(f"{d} 99.00%" for d in range(9)) + ", 9 98.50%")
    assert correction_bars({d: d * 1000 for d in range(10)})["description"] == (
        "Drawings kept of each digit: " + ", ".join(f"{d} {d * 1000:,}" for d in range(10)))
    # And their marks and axes nothing more: Vega gave each point a label, 396 on the Model page, the accuracy
    # curves' of their error ("accuracy: 0.0134" of 98.66%; an accessibility review, 2026-12-07).
    charts = [probability_bars(probabilities, 7), confusion_heatmap(confusion), learning_curves(points, "accuracy"),
              per_digit_points({"digits": [0.99] * 10}), correction_bars({1: 2})]
    assert all(chart["config"]["aria"] is False for chart in charts)


def test_the_learning_curves_are_told_apart_by_more_than_colour():
    encoding = learning_curves(POINTS, "loss")["encoding"]
    ranges = [tuple(map(str, encoding[channel]["scale"]["range"])) for channel in ("color", "shape", "strokeDash")]
    assert all(len(set(values)) == 2 for values in ranges)  # training and validation differ in each
    assert len({str(encoding[channel]["legend"]) for channel in ("color", "shape", "strokeDash")}) == 1  # one legend


def test_the_bars_of_drawings_kept_give_their_scale_from_zero_to_the_most():
    # Given, as the curves' are: Vega warned of an "Infinite extent" on the chart Streamlit drew before its data.
    assert correction_bars({1: 3, 7: 12})["encoding"]["y"]["scale"] == {"domain": [0, 12], "nice": True}
    assert correction_bars({})["encoding"]["y"]["scale"]["domain"] == [0, 1]
