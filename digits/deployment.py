"""What a deployment turns off (retraining, collecting corrections) and protects with a password (retraining,
learning, choosing the serving model, exporting, importing and deleting corrections), by environment variable or
secret."""

from __future__ import annotations

import hmac
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


def deployment_password(secrets: dict | None = None) -> str | None:
    """The password that changes to the model and the corrections need ($DIGITS_PASSWORD, which wins, or the
    `password` secret); None when there is none, and anyone may make them."""
    password = os.environ.get("DIGITS_PASSWORD") or str((secrets or {}).get("password", ""))
    return password or None


def password_matches(given: str, expected: str) -> bool:
    """Whether `given` is the password, compared in constant time, so how long it takes tells nothing of it."""
    return hmac.compare_digest(given.encode(), expected.encode())
