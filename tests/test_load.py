"""The load benchmark in brief: two sessions drawing for ten seconds on a server of their own, with no errors and
figures that make sense (scripts/benchmark_load.py measures for real, with 20 sessions for 2 minutes)."""

import json

from tests.conftest import run_script


def test_two_sessions_draw_for_ten_seconds_without_errors(tmp_path):
    out = tmp_path / "load.json"
    done = run_script("benchmark_load.py", "--sessions", 2, "--minutes", 1 / 6, "--out", out)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(out.read_text())["drawing"]
    assert figures["errors"] == {"count": 0, "first": []}
    latency = figures["mouse_up_to_answer_ms"]
    assert latency["drawings"] >= 4 and 0 < latency["median"] <= latency["p95"] < 20_000
    assert figures["runs"] >= 2 * latency["drawings"]  # a stroke's run and a clearing's for each drawing
    assert 0 < figures["server_cpu_ms_per_run"] < 1000
    memory = figures["server_rss_mb"]
    assert 100 < memory["before"] <= memory["during_max"]  # TensorFlow and the model are in
