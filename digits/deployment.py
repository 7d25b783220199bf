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
WORDS = (("retraining", "retraining"), ("corrections", "keeping drawings"))  # the features, as the page calls them
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


def edits(text: str, other: str) -> int:
    """About how many letters to add, drop or change to make `text` into `other` (from difflib's matching)."""
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, text, other).get_opcodes()
               if op != "equal")


def misspellings(secrets: dict | None = None) -> dict[str, str]:
    """The secrets that look like a misspelt one of SETTINGS, each with the one it looks like: another case, or two
    letters or fewer added, dropped or changed ("Password", "passwd"; not "db_password"). Tables, such as Streamlit's
    [connections], are no setting of this app's."""
    found = {}
    for key, value in (secrets or {}).items():
        if key not in SETTINGS and not isinstance(value, dict):
            found |= {key: name for name in SETTINGS if edits(key.lower(), name) <= 2}
    return found


def setting(feature: str, secrets: dict | None = None) -> str:
    """$DIGITS_<FEATURE> where it is set to something (it wins), else the `feature` secret, else "on" (but "off" where
    a secret looks like it misspelt: settings_problems names it); lower case. An empty variable counts as unset, as
    for the password: it had turned on what the secret turned off."""
    secrets = secrets or {}
    default = "off" if feature in misspellings(secrets).values() else "on"
    value = os.environ.get(f"DIGITS_{feature.upper()}", "").strip() or secrets.get(feature, default)
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
    `password` secret); None when there is none, and anyone may make them. NOBODYS_PASSWORD where the variable is
    set to nothing (a command that made it failed) or a secret looks like a misspelt password: each had left the
    site open to every visitor."""
    environment = os.environ.get("DIGITS_PASSWORD")
    if environment is not None and not environment.strip():
        return NOBODYS_PASSWORD
    password = environment or str((secrets or {}).get("password", ""))
    if not password and "password" in misspellings(secrets).values():
        return NOBODYS_PASSWORD
    return password or None


def settings_problems(secrets: dict | None = None) -> list[str]:
    """What is wrong with the site's settings, a sentence each, naming no value: the secrets file cannot be read, a
    feature set to neither on nor off, an empty $DIGITS_PASSWORD, a secret that looks like a misspelt one of
    SETTINGS. Each fails closed: it turns off, or locks, what it was about."""
    secrets = secrets or {}
    problems = [f"The site's secrets file cannot be read ({secrets[UNREADABLE]}), so retraining and keeping drawings "
                "are off, and its password unlocks nothing, until it is fixed."] if UNREADABLE in secrets else []
    for feature, words in WORDS:
        if setting(feature, secrets) not in ON + OFF:
            variable = f"$DIGITS_{feature.upper()}"
            where = variable if os.environ.get(variable[1:], "").strip() else f"The secret {feature!r}"
            problems.append(f"{where} is neither on nor off, so {words} is off: give one of {', '.join(ON)}, or "
                            f"of {', '.join(OFF)}.")
    if (environment := os.environ.get("DIGITS_PASSWORD")) is not None and not environment.strip():
        problems.append("$DIGITS_PASSWORD is set but empty (a command that made it failed?), so nobody can unlock "
                        "anything: set it to the password, or unset it for none.")
    for key, name in misspellings(secrets).items():
        if name == "password":
            closed, effect = deployment_password(secrets) == NOBODYS_PASSWORD, "nobody can unlock anything"
        else:  # off, unless the setting is given as well, or its variable
            closed = name not in secrets and not os.environ.get(f"DIGITS_{name.upper()}", "").strip()
            effect = f"{dict(WORDS)[name]} is off"
        problems.append(f"The secret {key!r} is not one this app reads: did you mean {name!r}?"
                        + (f" Until it is spelt so, {effect}." if closed else ""))
    return problems


def password_matches(given: str, expected: str) -> bool:
    """Whether `given` is the password, compared in constant time, so how long it takes tells nothing of it."""
    return hmac.compare_digest(given.encode(), expected.encode())
