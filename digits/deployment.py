"""What a deployment turns off (retraining, collecting corrections) and protects with a password (retraining,
learning, choosing the serving model, exporting, importing and deleting corrections), by environment variable or
secret."""

from __future__ import annotations

import collections
import difflib
import hashlib
import hmac
import ipaddress
import os
import secrets as random
import threading
import time

ON = ("on", "true", "1", "yes")
OFF = ("off", "false", "0", "no")
SETTINGS = ("password", "retraining", "corrections")  # the secrets this app reads
WORDS = (("retraining", "retraining"), ("corrections", "keeping drawings"))  # the features, as the page calls them
UNREADABLE = "unreadable"  # the key of closed_settings' reason
WRONG_PASSWORD_DELAY_S = 1.0  # password_tried's: one wrong try a second from a network
# The turns of password_tried, a network's each (client_network), the most recently used last; at most this many
# are kept, the least recently used dropped, so that any number of addresses takes bounded memory.
PASSWORD_TURNS: collections.OrderedDict[str, threading.Lock] = collections.OrderedDict()
PASSWORD_TURNS_KEPT = 4096
TURNS_KEPT = threading.Lock()  # over PASSWORD_TURNS
PASSWORD_WAIT_S = 5.0  # the longest a try waits for its turn, before it is refused untried
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


def misread(secrets: dict | None = None, table: str = "") -> dict[str, tuple[str, str]]:
    """The secrets this app would not read that look meant for one of SETTINGS, by where they are ("Password",
    "connections.x.retraining"), each with the setting and why: a misspelling (another case, or two letters or fewer
    added, dropped or changed: "Password", "passwd"; not "db_password"), or a setting inside a table (TOML puts every
    key after a [table] line in that table: a password, retraining = false and corrections = false written below
    one had left the site open, unsaid). A database's password in Streamlit's [connections] is its own."""
    found = {}
    for key, value in (secrets or {}).items():
        where = f"{table}.{key}" if table else key
        if isinstance(value, dict):
            found |= misread(value, where)
            continue
        for name in (name for name in SETTINGS if edits(key.lower(), name) <= 2):
            if table and not (name == "password" and where.startswith("connections.")):
                found[where] = name, (f"is inside the table [{table}] (TOML puts every key after a [table] line in "
                                      "it): move it above the first one")
            elif not table and key != name:
                found[where] = name, f"is not one this app reads (did you mean {name!r}?)"
    return found


def meant(name: str, secrets: dict) -> bool:
    """Whether a secret this app does not read looks meant for the setting `name` (misread), where `name` is given
    neither rightly nor by its variable: it then fails closed."""
    given = name in secrets or os.environ.get(f"DIGITS_{name.upper()}", "").strip()
    return not given and any(setting == name for setting, _ in misread(secrets).values())


def setting(feature: str, secrets: dict | None = None) -> str:
    """$DIGITS_<FEATURE> where it is set to something (it wins), else the DIGITS_<FEATURE> secret (Streamlit makes
    string secrets variables, but not booleans: DIGITS_RETRAINING = false had been ignored), else the `feature`
    secret, else "on" ("off" where a secret misread looks meant for it); lower case. An empty variable counts as
    unset: it had turned on what the secret turned off."""
    secrets = secrets or {}
    value = os.environ.get(f"DIGITS_{feature.upper()}", "").strip() or secrets.get(f"DIGITS_{feature.upper()}")
    if value is None:
        value = secrets.get(feature, "off" if meant(feature, secrets) else "on")
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
    `password` secret); None when there is none, and anyone may make them. NOBODYS_PASSWORD where either is given
    blank (a command that made it failed; a project's password = "" over a real one in ~/.streamlit), the secret is
    no text, or a secret misread looks meant for it: each had left the site open to every visitor, or unlocked it
    to two spaces."""
    secrets = secrets or {}
    environment = os.environ.get("DIGITS_PASSWORD")
    if environment is not None:
        return environment if environment.strip() else NOBODYS_PASSWORD
    if "password" in secrets:
        password = secrets["password"]
        return password if isinstance(password, str) and password.strip() else NOBODYS_PASSWORD
    return NOBODYS_PASSWORD if meant("password", secrets) else None


def password_digest(password: str) -> str:
    """What a session keeps of the password that unlocked it (access.allowed compares it with the password now)."""
    return hashlib.sha256(password.encode()).hexdigest()


def settings_problems(secrets: dict | None = None) -> list[str]:
    """What is wrong with the site's settings, a sentence each, naming no value: the secrets file cannot be read, a
    feature set to neither on nor off, a blank password, a secret misread. Each fails closed: it turns off, or
    locks, what it was about, and says so where that holds (a variable given may win)."""
    secrets = secrets or {}
    locked, found = deployment_password(secrets) == NOBODYS_PASSWORD, misread(secrets)
    problems = []
    if UNREADABLE in secrets:  # what holds, where the variables may win
        off = [words for feature, words in WORDS if not feature_enabled(feature, secrets)]
        holds = ([" and ".join(off) + (" are off" if len(off) > 1 else " is off")] if off else []) + (
            ["nobody can unlock anything"] if locked else [])
        problems.append(f"The site's secrets cannot be read ({secrets[UNREADABLE]}), so "
                        f"{' and '.join(holds) or 'they are not used'}, until they are mended and the server started "
                        "again (Streamlit stops following the file's changes once it has failed to read it).")
        return problems  # the rest is of settings not read
    for feature, words in WORDS:
        if setting(feature, secrets) not in ON + OFF:
            variable = f"$DIGITS_{feature.upper()}"
            where = variable if os.environ.get(variable[1:], "").strip() else f"The secret {feature!r}"
            problems.append(f"{where} is neither on nor off, so {words} is off: give one of {', '.join(ON)}, or "
                            f"of {', '.join(OFF)}.")
    if locked and not any(name == "password" for name, _ in found.values()):
        where = "$DIGITS_PASSWORD" if "DIGITS_PASSWORD" in os.environ else "The secret 'password'"
        problems.append(f"{where} is empty (a command that made it failed?), or no text, so nobody can unlock "
                        "anything: set it to the password, or remove it for none.")
    for where, (name, why) in found.items():
        effect = "nobody can unlock anything" if name == "password" else f"{dict(WORDS)[name]} is off"
        closed = locked if name == "password" else meant(name, secrets)
        problems.append(f"The secret {where!r} {why}." + (f" Until then, {effect}." if closed else ""))
    return problems


def password_matches(given: str, expected: str) -> bool:
    """Whether `given` is the password, compared in constant time, so how long it takes tells nothing of it."""
    return hmac.compare_digest(given.encode(), expected.encode())


def client_network(client: str | None) -> str:
    """The network whose tries take one turn, for a client address (None: this machine): an IPv6 address's /64, which
    one home or phone is given whole (a review's 384 addresses of one /64 had tried 74 passwords a second, and kept
    every turn busy), an IPv4-mapped one as IPv4, any other as it is."""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return str(client)
    if address.version == 6 and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False)) if address.version == 6 else str(address)


def password_turn(client: str | None) -> threading.Lock:
    """The turn that tries from the address `client` take (None: this machine): its network's, its own. Turns shared
    by hash (64 of them) had let a /64's addresses cover them all and keep the owner out (a review, 2026-12-07)."""
    network = client_network(client)
    with TURNS_KEPT:
        turn = PASSWORD_TURNS.pop(network, None) or threading.Lock()
        PASSWORD_TURNS[network] = turn
        while len(PASSWORD_TURNS) > PASSWORD_TURNS_KEPT:
            PASSWORD_TURNS.popitem(last=False)
        return turn


def password_tried(given: str, expected: str, client: str | None, delay: float = WRONG_PASSWORD_DELAY_S,
                   wait: float = PASSWORD_WAIT_S) -> bool | None:
    """Whether `given`, typed in to unlock a session from the address `client`, is the password; None where its turn
    did not come within `wait` seconds (too many tries at once), and it was not tried.

    Tries from one network take turns (password_turn), a wrong one holding the turn for `delay` seconds: held in its
    own session only, a program with 100 sessions had tried 34 passwords a second (a review, 2026-12-05); from one
    network, now one a second. A right one waits its turn too, or sent among many wrong ones it would have come back
    first. Turns per network, not for the whole server: with one for all, six guessing sessions kept the owner from
    unlocking (a review, 2026-12-07). The wait is bounded, so that a burst of tries holds no session long."""
    turn = password_turn(client)
    if not turn.acquire(timeout=wait):
        return None
    try:
        if password_matches(given, expected):
            return True
        time.sleep(delay)
        return False
    finally:
        turn.release()
