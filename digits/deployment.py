"""What a deployment turns off: retraining and collecting corrections, by environment variable or secret."""

from __future__ import annotations

import os

OFF = ("off", "false", "0", "no")


def feature_enabled(feature: str, secrets: dict | None = None) -> bool:
    """False when $DIGITS_<FEATURE> (which wins) or the `feature` secret says off; on by default."""
    setting = os.environ.get(f"DIGITS_{feature.upper()}", str((secrets or {}).get(feature, "on")))
    return setting.strip().lower() not in OFF


def retraining_enabled(secrets: dict | None = None) -> bool:
    """Whether the sidebar may train or fine-tune models ($DIGITS_RETRAINING, the `retraining` secret)."""
    return feature_enabled("retraining", secrets)


def collecting_enabled(secrets: dict | None = None) -> bool:
    """Whether the pages keep corrections ($DIGITS_CORRECTIONS, the `corrections` secret)."""
    return feature_enabled("corrections", secrets)
