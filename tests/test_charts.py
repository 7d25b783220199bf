"""The charts: what their axes show."""

import numpy as np

from digits.charts import confusion_heatmap, learning_curves

POINTS = [{"epoch": 0.25, "loss": 2.5, "val_loss": 0.9, "accuracy": 0.4, "val_accuracy": 0.7},
          {"epoch": 1.0, "loss": 0.05, "val_loss": 0.012, "accuracy": 0.98, "val_accuracy": 0.99}]


def test_the_loss_axis_is_labelled_at_one_and_three_times_the_powers_of_ten_it_spans():
    chart = learning_curves(POINTS, "loss")
    y = chart["encoding"]["y"]
    assert y["scale"] == {"type": "log"}  # no "zero": Vega-Lite drops it from a log scale, with a warning
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
    assert y["scale"] == {"type": "log", "reverse": True}  # the higher the accuracy, the higher on the chart
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
    assert y["field"] == "accuracy" and y["scale"] == {"zero": False} and y["axis"] == {"format": ".0%"}
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


def test_charts_side_by_side_share_their_y_scales_so_the_higher_curve_is_the_better_model():
    quick = [{"epoch": 1.0, "loss": 0.2, "val_loss": 0.05, "accuracy": 0.95, "val_accuracy": 0.985},
             {"epoch": 2.0, "loss": 0.04, "val_loss": 0.03, "accuracy": 0.988, "val_accuracy": 0.991}]
    full = [{"epoch": 10.0, "loss": 0.01, "val_loss": 0.015, "accuracy": 0.997, "val_accuracy": 0.996},
            {"epoch": 20.0, "loss": 0.002, "val_loss": 0.012, "accuracy": 0.9995, "val_accuracy": 0.9975}]
    for measure in ("loss", "accuracy"):
        alone = [learning_curves(points, measure)["encoding"]["y"] for points in (quick, full)]
        assert alone[0]["axis"]["values"] != alone[1]["axis"]["values"]  # each on its own scale
        assert "domain" not in alone[0]["scale"]  # Vega-Lite's own, from the data
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
