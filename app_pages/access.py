"""Who may change what everyone is served: with a deployment password set, a session that has given it."""

from __future__ import annotations

import time

import streamlit as st

from digits.corrections import CorrectionsError
from digits.deployment import deployment_password, password_matches

from app_pages.resources import secrets

WRONG_PASSWORD_DELAY_S = 1.0  # slows guessing down to one try a second per session


def allowed() -> bool:
    """True if this session may retrain, learn, choose the serving model and delete corrections: no password is
    set, or the session has given it."""
    return deployment_password(secrets()) is None or st.session_state.get("unlocked", False)


def store_problem(error: CorrectionsError) -> str:
    """What to say when the corrections store fails: where it is and why to a session allowed to change things,
    only that it failed to any other."""
    return str(error) if allowed() else error.public


def ask_password(what: str) -> None:
    """A password field for a session not allowed yet; the right password unlocks `what` for this session."""
    expected = deployment_password(secrets())
    given = st.text_input(f"Password to {what}", type="password", key=f"password {what}")
    if not given or expected is None:
        return
    if password_matches(given, expected):
        st.session_state["unlocked"] = True
        st.rerun()
    time.sleep(WRONG_PASSWORD_DELAY_S)
    st.error("That is not the password.")
