"""What a deployment turns off (retraining, collecting corrections) and protects with a password (retraining,
learning, choosing the serving model, exporting, importing and deleting corrections), by environment variable or
secret."""

from __future__ import annotations

import difflib
import hmac
import os
import secrets as random

ON = ("on", "true", "1", "yes")
OFF = ("off", "false", "0", "no")
SETTINGS = ("password", "retraining", "corrections")  # the secrets this app reads
UNREADABLE = "unreadable"  # the key of closed_settings' reason
# The password of a site whose secrets cannot be read: nobody has it, so nobody may change anything (but with
# $DIGITS_PASSWORD, which wins).
NOBODYS_PASSWORD = random.token_urlsafe(32)


def closed_settings(reason: str) -> dict:
    """The secrets of a site whose secrets file cannot be read (`reason`): retraining and collecting off and a
    password nobody has, the safest any file could give. A typo in the file had dropped every setting in it, the
    password too, and opened the site to every visitor, said in one line of the server's log (a review,
    2026-12-07)."""
    return {"password": NOBODYS_PASSWORD, "retraining": False, "corrections": False, UNREADABLE: reason}


def setting(feature: str, secrets: dict | None = None) -> str:
    """$DIGITS_<FEATURE> where it is set to something (it wins), else the `feature` secret, else "on"; lower case.
    An empty variable counts as unset, as for the password: it had turned on what the secret turned off."""
    value = os.environ.get(f"DIGITS_{feature.upper()}", "").strip() or (secrets or {}).get(feature, "on")
    return str(value).strip().lower()


def feature_enabled(feature: str, secrets: dict | None = None) -> bool:
    """Whether `feature` is on (setting): only a word of ON turns it on, so a value that is neither on nor off
    ("disabled") keeps it off rather than on, and settings_problems says so."""
    return setting(feature, secrets) in ON


def retraining_enabled(secrets: dict | None = None) -> bool:
    """Whether the sidebar may train or fine-tune models ($DIGITS_RETRAINING, the `retraining` secret)."""
    return feature_enabled("retraining", secrets)


def collecting_enabled(secrets: dict | None = None) -> bool:
    """Whether the pages keep corrections ($DIGITS_CORRECTIONS, the `corrections` secret)."""
    return feature_enabled("corrections", secrets)


def deployment_password(secrets: dict | None = None) -> str | None:
    """The password that changes to the model and the corrections need ($DIGITS_PASSWORD, which wins, or the
    `password` secret); None when there is none, and anyone may make them."""
    environment = os.environ.get("DIGITS_PASSWORD")
    if environment is not None and not environment.strip():  # set, to nothing: a command that made it failed
        return NOBODYS_PASSWORD
    password = environment or str((secrets or {}).get("password", ""))
    return password or None


def settings_problems(secrets: dict | None = None) -> list[str]:
    """What is wrong with the site's settings, a sentence each, naming no value: the secrets file cannot be read, a
    feature set to neither on nor off, an empty $DIGITS_PASSWORD, a secret that looks like a misspelt one of
    SETTINGS. Each fails closed: it turns off, or locks, what it was about."""
    secrets = secrets or {}
    problems = [f"The site's secrets file cannot be read ({secrets[UNREADABLE]}), so retraining and keeping drawings "
                "are off, and its password unlocks nothing, until it is fixed."] if UNREADABLE in secrets else []
    for feature, words in (("retraining", "retraining"), ("corrections", "keeping drawings")):
        if setting(feature, secrets) not in ON + OFF:
            variable = f"$DIGITS_{feature.upper()}"
            where = variable if os.environ.get(variable[1:], "").strip() else f"The secret {feature!r}"
            problems.append(f"{where} is neither on nor off, so {words} is off: give one of {', '.join(ON)}, or "
                            f"of {', '.join(OFF)}.")
    if (environment := os.environ.get("DIGITS_PASSWORD")) is not None and not environment.strip():
        problems.append("$DIGITS_PASSWORD is set but empty (a command that made it failed?), so nobody can unlock "
                        "anything: set it to the password, or unset it for none.")
    for key, value in secrets.items():  # tables such as Streamlit's [connections] are no setting of this app's
        if key in SETTINGS or isinstance(value, dict):
            continue
        if close := difflib.get_close_matches(key.lower(), SETTINGS, n=1, cutoff=0.75):
            problems.append(f"The secret {key!r} is not one this app reads: did you mean {close[0]!r}?")
    return problems


def password_matches(given: str, expected: str) -> bool:
    """Whether `given` is the password, compared in constant time, so how long it takes tells nothing of it."""
    return hmac.compare_digest(given.encode(), expected.encode())
