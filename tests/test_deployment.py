"""A deployment's settings, from the environment and the secrets file: what each value turns on or off, and that a
mistaken one fails closed and says so, on the page too."""

import subprocess
import threading
import time

import numpy as np
import pytest
from streamlit import config

from digits.corrections import Corrections, CorrectionsError
from digits.deployment import (NOBODYS_PASSWORD, closed_settings, collecting_enabled, deployment_password,
                               password_tried, password_turn, retraining_enabled, settings_problems)
from tests.browser import copy_shipped_model
from tests.test_page import run_page

CLOSED = ("so retraining and keeping drawings are off and nobody can unlock anything, until they are mended and the "
          "server started again (Streamlit stops following the file's changes once it has failed to read it).")


@pytest.fixture
def environment(monkeypatch):
    """No deployment setting in the environment; tests set theirs."""
    for name in ("DIGITS_PASSWORD", "DIGITS_RETRAINING", "DIGITS_CORRECTIONS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_an_empty_variable_is_unset_and_a_value_neither_on_nor_off_turns_off(environment):
    # Empty, it had turned retraining on where the secret turned it off; "disabled" had turned it on (a review of
    # the classroom set-up, 2026-12-07).
    environment.setenv("DIGITS_RETRAINING", "")
    assert not retraining_enabled({"retraining": False}) and retraining_enabled({})
    assert settings_problems({"retraining": False}) == []
    environment.setenv("DIGITS_RETRAINING", "disabled")
    assert not retraining_enabled({"retraining": True})
    assert settings_problems() == ["$DIGITS_RETRAINING is neither on nor off, so retraining is off: give one of on, "
                                   "true, 1, yes, or of off, false, 0, no."]
    environment.setenv("DIGITS_RETRAINING", " Yes ")
    assert retraining_enabled({"retraining": "off"}) and settings_problems() == []
    assert not collecting_enabled({"corrections": "nein"})
    assert settings_problems({"corrections": "nein"}) == [
        "The secret 'corrections' is neither on nor off, so keeping drawings is off: give one of on, true, 1, yes, or "
        "of off, false, 0, no."]


def test_a_blank_password_locks_everything_and_says_so(environment):
    # export DIGITS_PASSWORD=$(a command that failed) had meant no password, and every visitor had every right; so
    # had a project's password = "" over a real one in ~/.streamlit, and "  " was unlocked by two spaces (reviews,
    # 2026-12-07).
    for secret in ("", "  ", False, 1234):
        assert deployment_password({"password": secret}) == NOBODYS_PASSWORD
    assert settings_problems({"password": " "}) == [
        "The secret 'password' is empty (a command that made it failed?), or no text, so nobody can unlock anything: "
        "set it to the password, or remove it for none."]
    environment.setenv("DIGITS_PASSWORD", " ")
    assert deployment_password({"password": "from the file"}) == NOBODYS_PASSWORD
    assert settings_problems() == [
        "$DIGITS_PASSWORD is empty (a command that made it failed?), or no text, so nobody can unlock anything: set "
        "it to the password, or remove it for none."]
    environment.setenv("DIGITS_PASSWORD", "s3cret")
    assert deployment_password({"password": "from the file"}) == "s3cret" and settings_problems() == []


def test_a_blank_password_sends_no_one_to_a_password_field(environment, tmp_path):
    # The sidebar said "Training a new model needs the password, above", the Corrections page "…needs the password, in
    # the sidebar", and neither had a field, nobody being able to give it (a review of a classroom, 2026-12-08).
    app = run_page(environment, copy_shipped_model(tmp_path / "models"), DIGITS_PASSWORD="")
    assert any("nobody can unlock anything" in w.value for w in app.main.warning)
    assert not app.sidebar.text_input and "Training a new model is locked on this site: see the warning at the top " \
        "of the page." in [c.value for c in app.sidebar.caption]
    app.switch_page("app_pages/corrections.py").run()
    [shown] = [c.value for c in app.main.caption if c.value.startswith("Shown here")]
    assert shown.endswith("which you may delete. No one else's are shown on this site.")


def test_a_misspelt_or_misplaced_secret_is_named_and_fails_closed(environment):
    # `Password = ...` had left the site open to every visitor, as if there were none; so had settings written below
    # a [table] line, which TOML puts in that table.
    secrets = {"Password": "hunter2", "retraning": "on", "theme": "dark", "db_password": "another app's",
               "corrections_url": "https://example.org",  # these three are fine, and so is a database's password
               "connections": {"store": {"url": "sqlite:///x.db", "password": "the database's", "corrections": False}}}
    assert deployment_password(secrets) == NOBODYS_PASSWORD
    assert not retraining_enabled(secrets) and not collecting_enabled(secrets)
    assert settings_problems(secrets) == [
        "The secret 'Password' is not one this app reads (did you mean 'password'?). Until then, nobody can unlock "
        "anything.",
        "The secret 'retraning' is not one this app reads (did you mean 'retraining'?). Until then, retraining is off.",
        "The secret 'connections.store.corrections' is inside the table [connections.store] (TOML puts every key after "
        "a [table] line in it): move it above the first one. Until then, keeping drawings is off."]
    # Given rightly as well (or by the environment), the misread one is only named.
    environment.setenv("DIGITS_PASSWORD", "s3cret")
    rightly = {**secrets, "retraining": True, "corrections": "on"}
    assert deployment_password(rightly) == "s3cret" and retraining_enabled(rightly) and collecting_enabled(rightly)
    assert [problem.split(".")[0] for problem in settings_problems(rightly)] == [
        "The secret 'Password' is not one this app reads (did you mean 'password'?)",
        "The secret 'retraning' is not one this app reads (did you mean 'retraining'?)",
        "The secret 'connections"]


def test_a_variable_written_in_the_secrets_file_is_read(environment):
    # Streamlit makes string secrets variables, not booleans: DIGITS_RETRAINING = false had been ignored.
    assert not retraining_enabled({"DIGITS_RETRAINING": False, "retraining": True})
    assert not collecting_enabled({"DIGITS_CORRECTIONS": "off"}) and collecting_enabled({"DIGITS_CORRECTIONS": True})


def test_secrets_that_cannot_be_read_close_the_site(environment):
    closed = closed_settings("secrets.toml: Invalid value (at line 2, column 14)")
    assert not retraining_enabled(closed) and not collecting_enabled(closed)
    assert deployment_password(closed) == NOBODYS_PASSWORD
    assert settings_problems(closed) == [
        "The site's secrets cannot be read (secrets.toml: Invalid value (at line 2, column 14)), " + CLOSED]
    # The variables still win, and the warning says what holds.
    environment.setenv("DIGITS_PASSWORD", "s3cret")
    environment.setenv("DIGITS_CORRECTIONS", "on")
    assert deployment_password(closed) == "s3cret" and collecting_enabled(closed)
    assert settings_problems(closed)[0].startswith("The site's secrets cannot be read (secrets.toml: Invalid value (at "
                                                   "line 2, column 14)), so retraining is off, until they are mended")


@pytest.fixture
def secrets_files():
    """Set Streamlit's secrets.files for the test, and put them back after it. (A file that parses is kept by
    Streamlit for the process, and would be every later test's secrets: the tests give none that do.)"""
    files = config.get_option("secrets.files")
    yield lambda paths: config.set_option("secrets.files", [str(path) for path in paths])
    config.set_option("secrets.files", files)


def test_a_secrets_file_with_a_typo_locks_the_page_and_says_why(environment, secrets_files, tmp_path):
    # `retraining = off`, unquoted, is no TOML: Streamlit dropped the whole file, its password too, and every visitor
    # could retrain, choose the model and see everyone's drawings, said in one line of the server's log.
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text('password = "a long classroom password"\nretraining = off\n')
    secrets_files([secrets])
    models = copy_shipped_model(tmp_path / "models")
    app = run_page(environment, models)
    assert [w.value for w in app.main.warning if "secrets" in w.value] == [
        "The site's secrets cannot be read (.streamlit/secrets.toml: Invalid value (at line 2, column 14)), " + CLOSED]
    assert not app.sidebar.button and not app.sidebar.text_input and not app.sidebar.selectbox
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # no Corrections page
        app.switch_page("app_pages/corrections.py")
    # Nor does any other file Streamlit cannot load leave it open, or show the server's paths: one not in UTF-8 (it
    # had ended every page in a UnicodeDecodeError), a folder where the file goes (docker -v of a file missing), a
    # secrets folder not mounted beside a good file (Streamlit dropped them both).
    secrets.write_bytes('password = "pässwörd"\n'.encode("latin-1"))
    good = tmp_path / "good" / "secrets.toml"
    good.parent.mkdir()
    good.write_text('password = "a long classroom password"\n')
    folder = tmp_path / "folder" / "secrets.toml"
    folder.mkdir(parents=True)
    (tmp_path / "flat").mkdir()
    (tmp_path / "flat" / "password").write_text("a Kubernetes Secret's key, mounted whole")
    for paths, why in (([secrets], ".streamlit/secrets.toml: not UTF-8 text"),
                       ([folder], "folder/secrets.toml: Is a directory"),
                       ([good, tmp_path / "not-mounted"], "a path in secrets.files that is neither a .toml file nor a "
                                                          "folder of secrets"),
                       ([good, tmp_path / "flat"], "flat/: a folder of secrets that Streamlit cannot read (each "
                                                   "secret a folder of its own)")):
        secrets_files(paths)
        app = run_page(environment, models)
        assert [w.value for w in app.main.warning if "secrets" in w.value] == [
            f"The site's secrets cannot be read ({why}), {CLOSED}"]
        assert not app.sidebar.button and not app.sidebar.text_input


@pytest.fixture
def read_only_disk(tmp_path):
    """A real file system made read-only: a tmpfs mounted for the test, and the function that mounts it again
    read-only once it is filled (the tests run as root, as CI does, which a folder's permissions do not stop)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", disk], check=True)
    try:
        yield disk, lambda: subprocess.run(["mount", "-o", "remount,ro", disk], check=True)
    finally:
        subprocess.run(["umount", disk], check=True)


@pytest.fixture
def read_only_models(read_only_disk):
    """The shipped model in a models folder on a read-only file system."""
    disk, seal = read_only_disk
    models = copy_shipped_model(disk / "models")
    seal()
    return models


def test_a_corrections_store_in_a_folder_that_cannot_be_written_says_so(read_only_disk):
    # The advice had been to move the file away, "a new, empty store is then made", which a read-only folder cannot
    # do, after SQLite's "unable to open database file" (a review of a classroom, 2026-12-08).
    disk, seal = read_only_disk
    Corrections(disk / "data" / "corrections.sqlite").add_samples(np.zeros((2, 28, 28), np.uint8), np.arange(2))
    seal()
    for store, folder in ((disk / "data" / "corrections.sqlite", disk / "data"), (disk / "new" / "x.sqlite", disk)):
        with pytest.raises(CorrectionsError) as raised:
            Corrections(store)
        assert str(raised.value).endswith(f"The folder {folder} cannot be written (a read-only file system, or no "
                                          "permission): make it writable, or set DIGITS_DATA_DIR to another folder.")


def test_a_training_that_cannot_start_says_why(environment, read_only_models):
    # A read-only models folder had ended the page in an OSError at the click (a review, 2026-12-07).
    app = run_page(environment, read_only_models, data=read_only_models.parent.parent / "data")
    next(b for b in app.sidebar.button if b.label == "Train a new model").click().run()
    assert not app.exception
    assert [e.value for e in app.sidebar.error] == [
        f"The training cannot start: the models folder {read_only_models} cannot be written (Read-only file system). "
        "The serving model is unchanged."]


def test_password_tries_from_one_address_take_turns_and_a_wrong_one_holds_the_turn():
    # Each session waited on its own: a program with 100 sessions tried 34 passwords a second (a review, 2026-12-05).
    guesser, owner = "203.0.113.5", "198.51.100.7"
    answers, ended = {}, {}

    def attempt(given: str, client: str) -> None:
        answers[given] = password_tried(given, "correct horse", client, delay=0.4)
        ended[given] = time.monotonic()

    sessions = [threading.Thread(target=attempt, args=(given, guesser)) for given in ("guess 1", "guess 2", "guess 3")]
    started = time.monotonic()
    for session in sessions:
        session.start()
    time.sleep(0.1)  # the guesses hold the turn: the right password, sent among them, waits too
    right = threading.Thread(target=attempt, args=("correct horse", guesser))
    right.start()
    # The owner, at another address, is not held by them: with one turn for the whole server, six guessing sessions
    # had kept the owner from unlocking (a review, 2026-12-07).
    assert password_tried("correct horse", "correct horse", owner, wait=0.1) is True
    assert time.monotonic() - started < 0.4
    for session in [*sessions, right]:
        session.join()
    assert answers == {"guess 1": False, "guess 2": False, "guess 3": False, "correct horse": True}
    wrong = sorted(ended[given] - started for given in ("guess 1", "guess 2", "guess 3"))
    assert wrong[0] >= 0.4 and wrong[1] - wrong[0] >= 0.39 and wrong[2] - wrong[1] >= 0.39, wrong
    assert ended["correct horse"] - started >= 0.4  # not at once, which had told it apart from the guesses


def test_an_ipv6_networks_addresses_take_one_turn_and_other_networks_their_own():
    # A review's 384 addresses of one /64, spread over 64 turns shared by hash, tried 74 passwords a second and kept
    # the owner out (2026-12-07).
    assert password_turn("2001:db8:1:2::5") is password_turn("2001:db8:1:2:ffff::9")
    assert password_turn("::ffff:203.0.113.5") is password_turn("203.0.113.5")
    turns = {id(password_turn(f"2001:db8:{n}::1")) for n in range(1, 200)} | {id(password_turn(None))}
    assert len(turns) == 200  # no two networks share one


def test_a_try_whose_turn_does_not_come_soon_is_refused_untried_and_the_page_says_why(environment, tmp_path):
    # A burst of tries would otherwise hold every session behind it for as many seconds as there are tries.
    app = run_page(environment, copy_shipped_model(tmp_path / "models"), DIGITS_PASSWORD="correct horse")
    held = threading.Lock()  # the turn of AppTest's session (whose address is a stand-in), held by another's try
    environment.setattr("digits.deployment.password_turn", lambda client: held)
    with held:
        started = time.monotonic()
        assert password_tried("correct horse", "correct horse", None, wait=0.2) is None
        assert time.monotonic() - started < 1
        app.sidebar.text_input[0].input("correct horse").run()
        assert [e.value for e in app.sidebar.error] == ["Too many tries on this site at once: try again in a minute."]
        assert not app.sidebar.button  # still locked
    app.sidebar.text_input[0].input("correct horse").run()
    assert app.sidebar.button[0].label == "Lock" and not app.sidebar.error
