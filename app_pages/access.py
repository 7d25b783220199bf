"""Who may change what everyone is served: with a deployment password set, a session that has given it."""

from __future__ import annotations

import uuid

import streamlit as st

from digits.corrections import CorrectionsError
from digits.deployment import (NOBODYS_PASSWORD, collecting_enabled, deployment_password, password_digest,
                               password_matches, password_tried, retraining_enabled)

from app_pages.resources import secrets
from app_pages.screen_reader import announce, focus

UNLOCKED = "unlocked with"  # the session state's key for password_digest of the password that unlocked it


def allowed() -> bool:
    """True if this session may retrain, learn, choose the serving model, see, export, import and delete everyone's
    corrections, and read the server's paths in errors: with a password set, a session that has given it; without
    one, every session, unless retraining is off (a public link), where none may."""
    settings = secrets()
    if (password := deployment_password(settings)) is None:
        return retraining_enabled(settings)
    # With the password it is now, not any once given: a session unlocked before the password changed, or the site
    # closed, had kept every right (a review, 2026-12-07).
    return password_matches(st.session_state.get(UNLOCKED, ""), password_digest(password))


def can_unlock() -> bool:
    """Whether a password is set that can be given, in the sidebar's field (show_access): not where none is set, nor
    where the settings lock everything (settings_problems). Said so, or a review's sidebar had asked for "the password,
    above" where there was no field (2026-12-08)."""
    return deployment_password(secrets()) not in (None, NOBODYS_PASSWORD)


SESSION_ID = "browser_session"  # the session state's key for it


def browser_session() -> str:
    """An anonymous id of this browser session, kept with its corrections to tell one writer's digits apart, and to
    show a session without rights its own drawings only."""
    return st.session_state.setdefault(SESSION_ID, uuid.uuid4().hex)


def store_problem(error: CorrectionsError) -> str:
    """What to say when the corrections store fails: where it is and why to a session allowed to change things,
    only that it failed to any other."""
    if allowed():
        return str(error)
    # A public link has no password to give: its visitors were told to give one (a review, 2026-12-05).
    where = "once they have given its password" if can_unlock() else "in the server's log"
    return f"{error.public} Whoever runs this deployment sees why {where}."


def show_access() -> None:
    """Where a password is set: a field that unlocks this session (every page has it, in the sidebar), or, once
    unlocked, a button that locks it again, for a shared classroom computer."""
    if not can_unlock():
        return
    if allowed():
        st.caption(f"Unlocked in this browser tab: you may {rights()}.")
        if st.session_state.pop("just unlocked", False):  # a screen reader had heard nothing, the focus at the top
            announce(f"Unlocked: you may {rights()}.")
            focus(".st-key-lock button")
        if st.button("Lock", key="lock", icon=":material/lock:"):
            st.session_state.pop(UNLOCKED, None)
            st.rerun()
        return
    st.text_input("Password", type="password", key="password", on_change=check_password,
                  help=f"You need the password of whoever runs this site to {rights()}. To draw and read digits, "
                       "you do not.")
    if wrong := st.session_state.pop("wrong password", False):
        st.error("Too many tries on this site at once: try again in a minute." if wrong == "busy" else
                 "That is not the password.")


def rights() -> str:
    """What the password unlocks here, in words, leaving out what the deployment turned off. A comma before the last
    "and": without it, "retrain, choose the model and see, export, import or delete everyone's drawings" read as one
    list (a review, 2026-12-04)."""
    settings = secrets()
    what = ["retrain", "choose the model"] if retraining_enabled(settings) else ["choose the model"]
    if collecting_enabled(settings):
        what.append("see, export, import or delete everyone's drawings")
    *first, last = what
    return f"{', '.join(first)}, and {last}" if len(first) > 1 else " and ".join(what)


def check_password() -> None:
    """The field's callback: unlock this session, or say once that it is wrong and empty the field (left in it, a
    wrong password was tried again, a second each, on every later run of the page)."""
    given, expected = st.session_state["password"], deployment_password(secrets())
    if not given or expected is None:
        return
    tried = password_tried(given, expected, st.context.ip_address)
    if tried:
        st.session_state[UNLOCKED] = password_digest(given)
        st.session_state["just unlocked"] = True
    else:
        st.session_state["wrong password"] = "busy" if tried is None else True
    st.session_state["password"] = ""
