"""The user's corrections: digits drawn on the page with their true labels, kept for retraining in SQLite
(a file, the default) or PostgreSQL ($DIGITS_DATABASE_URL, which replicas on several hosts can share)."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import math
import numbers
import os
import re
import socket
import threading
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator, Sequence

import numpy as np
import sqlalchemy as sa
from PIL import Image

from digits.data import arrays_sha256
from digits.preprocessing import SIZE, eight_bit, to_mnist_input
from digits.registry import replaced_atomically, utc_now

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SCHEMA_VERSION = 2  # kept in the table digits_schema: a later layout can tell an old store and migrate it
MIGRATION_LOCK = 20261204  # PostgreSQL's advisory lock held while a store's tables are made or migrated
BUSY_TIMEOUT = 30  # seconds a writer waits for another one (another page, the CLI) before giving up
# Seconds a PostgreSQL server has to answer a new connection (libpq's connect_timeout, unless the URL sets it): a
# server behind a firewall that takes connections and never answers held the Draw page's first run, for every
# visitor, for good (a review, 2026-12-05).
CONNECT_TIMEOUT = 5
# Seconds it has to answer each operation on a connection it gave, the bulk ones (an import, an export, a Delete all,
# its Undo, a fine-tune's read) BULK_TIMEOUT: libpq waits for an answer for good, and with the server's processes
# paused (as a paused machine, a stalled disk or a cut network leave it), a keep's page run waited 246 s, greyed,
# with no message and nothing in the log (a review of two replicas, 2026-12-08). The tests' server (on this machine,
# without fsync) imported 100,000 drawings in 2.2 s and put them back after a Delete all in 2.5 s.
ANSWER_TIMEOUT = 10
BULK_TIMEOUT = 60
# Seconds after a use of the store failed by waiting CONNECT_TIMEOUT or more, in which every use fails at once, with
# the same words; then one use tries the server again, the others failing at once until it is answered: with the
# server paused, the sidebar's count waited ANSWER_TIMEOUT and CONNECT_TIMEOUT on every page run, before each stroke of
# each visitor was read. With 30 s and no such try, keeps failed for 30 s after the server was back (a review).
QUIET_AFTER_SILENCE = 5
RESTORE_PART = 10000  # ids looked up at once by Corrections.restore
# The most bytes an import's arrays may unpack to, in memory at once: some 125,000 drawings of 784 bytes and their
# labels; a class of 30 that keeps 100 drawings each has 3,000.
MAX_IMPORT_BYTES = 100_000_000
LOG = logging.getLogger(__name__)

# One layout for both databases, written with SQLAlchemy Core: the same statements serve SQLite and PostgreSQL.
LAYOUT = sa.MetaData()
CORRECTIONS = sa.Table(
    "corrections", LAYOUT,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("created", sa.Text, nullable=False),
    sa.Column("label", sa.Integer, sa.CheckConstraint("label BETWEEN 0 AND 9"), nullable=False),
    sa.Column("image", sa.LargeBinary, nullable=False),
    sa.Column("canvas_png", sa.LargeBinary),
    sa.Column("predicted", sa.Integer),
    sa.Column("probabilities", sa.Text),
    sa.Column("model", sa.Text),
    sa.Column("session", sa.Text),
    # Whether the page took the drawing for a digit at all (layout 2, 2026-12-04): one kept through "A digit after
    # all?" was listed as "read 0 (100%)", the digit model's answer that the page had not given.
    sa.Column("looked_like_a_digit", sa.Boolean),
    sqlite_autoincrement=True,  # ids never come back after a delete, in SQLite as in PostgreSQL
)
SCHEMA = sa.Table("digits_schema", LAYOUT, sa.Column("version", sa.Integer, nullable=False))


class CorrectionsError(Exception):
    """The corrections store cannot be read or written (a damaged file, no permission, a full disk, no server).

    Its message says where the store is and why it failed, for whoever runs the app; `public` says neither, for
    the visitors of a public link (a path or a database's host is the server's business).
    """

    public = "The corrections store cannot be used right now, so drawings are not being kept."


@dataclass(frozen=True)
class Correction:
    """One correction: what was drawn, its true label, and what the model answered."""

    id: int
    label: int
    image: np.ndarray  # the 28x28 uint8 model input, white ink on black like MNIST
    predicted: int | None
    probabilities: list[float] | None
    model: str | None
    session: str | None  # an anonymous id of the browser session that drew it
    created: str  # UTC, ISO 8601
    looked_like_a_digit: bool | None = None  # False where the page said it looked like no digit; None: not asked


def drawn_in(session: str | None) -> list[sa.ColumnElement[bool]]:
    """The condition that keeps the corrections drawn in one browser session (none: every correction)."""
    return [] if session is None else [CORRECTIONS.c.session == session]


def in_turn(db: sa.Connection) -> None:
    """Make this transaction's writes wait for any other's that reads the table before it writes, as SQLite's writers
    do already (BEGIN IMMEDIATE): in PostgreSQL, two imports of one file at once each read the store before the other
    wrote, and both kept all."""
    if db.dialect.name == "postgresql":
        db.execute(sa.text(f"LOCK TABLE {CORRECTIONS.name} IN SHARE ROW EXCLUSIVE MODE"))


def corrections_location() -> str:
    """Where the app keeps corrections: $DIGITS_DATABASE_URL (a database URL such as
    postgresql+psycopg://user:password@host/db) if set, else the file $DIGITS_DATA_DIR/corrections.sqlite,
    by default under data/ in the repo."""
    url = os.environ.get("DIGITS_DATABASE_URL", "").strip()
    if url and not is_database_url(url):
        # A keyword string (host=... password=...) had been taken for the name of a SQLite file, made in the working
        # folder, and shown on the page, password and all (a review, 2026-12-07). Its value is not said here.
        raise CorrectionsError("$DIGITS_DATABASE_URL is no database URL, so drawings are not kept: give one as "
                               "dialect://user:password@host/database (postgresql+psycopg://...), or unset it to keep "
                               "them in a file.")
    return url or str(Path(os.environ.get("DIGITS_DATA_DIR") or DATA_DIR) / "corrections.sqlite")


# What a fine-tune ("Learn my handwriting") needs to show that it learned something, said alike by the sidebar and
# train.py.
FINE_TUNE_NEEDS = "two or more drawings of a digit it read wrong, or took for no digit: some are held out, to check " \
                  "what it learned"


def can_learn_from(counts: dict[int, int], teaching: dict[int, int]) -> bool:
    """Whether a fine-tune on drawings so tallied (Corrections.tally's counts and teaching) can read more of those it
    holds out right than the model did: only digits kept twice or more have some held out, and of digits all read
    right when kept it can read no more right (a review's two tries on 8 such drawings ended "3 of 3 → 3 of 3", each
    one more model in the list). Imported drawings were read by no model: they may teach it."""
    return any(counts[digit] >= 2 and teaching[digit] for digit in counts)


def is_database_url(location: str | os.PathLike) -> bool:
    """True for a database URL (dialect://...), False for a file path."""
    return "://" in str(location)


def display_location(location: str | os.PathLike) -> str:
    """Where a store is, to show: a file's full path, or a database URL with its password hidden, up to the last @
    (a password with a / in it had shown whole: a review, 2026-12-07), and in its query (?password=...,
    sslpassword=...)."""
    if is_database_url(location):
        hidden = re.sub(r"://([^/:@]*):.*@", r"://\1:***@", str(location))
        return re.sub(r"([?&]\w*pass\w*=)[^&]*", r"\1***", hidden, flags=re.IGNORECASE)  # sslpassword=... too
    return str(Path(location).resolve())


def database_engine(location: str | os.PathLike) -> sa.Engine:
    """An engine for a SQLite file path or a database URL.

    SQLite: no pooled connections (each operation opens its own, so none outlives a request), WAL (readers
    never wait for a writer) and synchronous=FULL (a commit is on disk before it returns, even if power
    fails). Writers take the lock when they begin (BEGIN IMMEDIATE), so two never deadlock upgrading a read.
    """
    if is_database_url(location):
        # pre_ping: a connection the server dropped (a restart, a failover) is replaced, not handed out; psycopg's
        # within ANSWER_TIMEOUT (ping_within).
        url = sa.make_url(str(location))
        waits = ({"connect_timeout": CONNECT_TIMEOUT}
                 if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query else {})
        psycopg = url.get_driver_name() == "psycopg"
        engine = sa.create_engine(url, pool_pre_ping=not psycopg, pool_size=2, max_overflow=8, connect_args=waits)
        if psycopg:
            sa.event.listen(engine, "checkout", ping_within(engine.dialect))
        return engine
    engine = sa.create_engine(f"sqlite:///{location}", poolclass=sa.NullPool, connect_args={"timeout": BUSY_TIMEOUT})

    @sa.event.listens_for(engine, "connect")
    def prepare(connection, _record) -> None:
        connection.isolation_level = None  # SQLAlchemy's BEGIN below, not the driver's own
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")

    @sa.event.listens_for(engine, "begin")
    def begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get("writing") else "BEGIN")

    return engine


@contextlib.contextmanager
def answered_within(connection, seconds: float, expired: threading.Event) -> Iterator[None]:
    """Shut a psycopg connection's socket, and set `expired`, if the block has not ended within `seconds`: the driver,
    waiting for the server, then fails at once with the connection lost, and SQLAlchemy drops it from its pool. Shut
    through a copy of the socket's descriptor, closed as the block ends, so that a late timer shuts nothing else."""
    copy, lock = socket.socket(fileno=os.dup(connection.pgconn.socket)), threading.Lock()

    def expire() -> None:
        with lock, contextlib.suppress(OSError):  # OSError: the server has closed it already
            if copy.fileno() != -1:
                expired.set()
                copy.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            copy.close()


def driver_words(error: Exception) -> str:
    """What the database's driver said of a failure, on one line: without SQLAlchemy's dump of the statement, and
    with psycopg's lines (the last "…TCP/IP connections?") run together."""
    return " ".join(str(getattr(error, "orig", None) or error).split())


def ping_within(dialect: sa.Dialect):
    """A pool's checkout listener that checks a psycopg connection as pool_pre_ping does, within ANSWER_TIMEOUT: a
    connection that fails the check, or takes longer, is replaced by a new one (given CONNECT_TIMEOUT)."""
    def ping(connection, _record, _proxy) -> None:
        try:
            with answered_within(connection, ANSWER_TIMEOUT, threading.Event()):
                dialect.do_ping(connection)
        except dialect.loaded_dbapi.Error as error:
            raise sa.exc.DisconnectionError(str(error)) from error
    return ping


class Corrections:
    """A store of corrections in one database, safe to share between threads, processes and (PostgreSQL) hosts.

    Each operation is one transaction on a connection of its own; the database orders the writers, who wait
    up to BUSY_TIMEOUT for each other in SQLite.
    """

    def __init__(self, location: str | os.PathLike):
        """Open the store at `location` (a SQLite file path or a database URL), making its tables, and for a
        file its folders, if missing."""
        self.location = str(location)
        self.path = None if is_database_url(location) else Path(location)
        self.where = display_location(location)
        self.silent: tuple[float, str] | None = None  # until when every use fails at once, and with what words
        self.silence_lock = threading.Lock()
        try:
            self.engine = database_engine(self.location)
            if self.path:
                self.path.parent.mkdir(parents=True, exist_ok=True)
        # ImportError: a URL of a driver that is not installed (mysql+pymysql://); TypeError: one whose engine takes
        # no pool (sqlite:// in memory); ValueError: a port that is no number. Each had escaped on every page run.
        except (sa.exc.SQLAlchemyError, OSError, ImportError, TypeError, ValueError) as error:
            raise self._failure(error) from error
        with self._connected(writing=True, layout=True):
            pass  # the tables are made, or brought up to this layout, as it connects

    def _make_layout(self, db: sa.Connection) -> None:
        """Make the store's tables where missing, and bring an older layout up to this one."""
        if db.dialect.name == "postgresql":  # two processes opening a new or an old store make or migrate it once
            db.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK)))
        LAYOUT.create_all(db)
        version = db.execute(sa.select(sa.func.max(SCHEMA.c.version))).scalar()
        if version is not None and version > SCHEMA_VERSION:
            raise CorrectionsError(
                f"The corrections store at {self.where} was written by a newer version of digits "
                f"(layout {version}, this one reads {SCHEMA_VERSION}). Update digits, or keep corrections "
                "elsewhere (DIGITS_DATA_DIR, DIGITS_DATABASE_URL)."
            )
        # Layout 2 added whether the page took a drawing for a digit at all (not asked before). Looked for in the
        # table itself: a store of before digits_schema (its layout in SQLite's user_version) has none to say.
        column = CORRECTIONS.c.looked_like_a_digit
        if column.name not in {c["name"] for c in sa.inspect(db).get_columns(CORRECTIONS.name)}:
            db.execute(sa.text(f"ALTER TABLE {CORRECTIONS.name} ADD COLUMN {column.name} "
                               f"{column.type.compile(dialect=db.dialect)}"))
        if version is None:
            db.execute(SCHEMA.insert().values(version=SCHEMA_VERSION))
        elif version < SCHEMA_VERSION:
            db.execute(SCHEMA.update().values(version=SCHEMA_VERSION))

    def _failure(self, error: Exception) -> CorrectionsError:
        """The error to raise when the database or its file fails, saying what to check."""
        advice = ("Check that the database server is up and its URL (DIGITS_DATABASE_URL, or train.py's "
                  "--corrections) is right."
                  if self.path is None else "Check the file and its folder, move the file away (a new, empty store "
                  "is then made) or set DIGITS_DATA_DIR to another folder.")
        # A folder that cannot be written, said: the advice to move the file away could not help (SQLite needs to
        # write beside it even to read), and "unable to open database file" did not say why (a review, 2026-12-08).
        folder = self.path and next(folder for folder in self.path.parents if folder.exists())
        if folder and not os.access(folder, os.W_OK):
            advice = (f"The folder {folder} cannot be written (a read-only file system, or no permission): make it "
                      "writable, or set DIGITS_DATA_DIR to another folder.")
        said = driver_words(error)
        said += "" if said.endswith((".", "?", "!")) else "."
        failure = CorrectionsError(f"The corrections store at {self.where} cannot be read or written: {said} {advice}")
        LOG.warning("%s", failure)  # for whoever runs it: a public link's visitors are told it failed, not why
        return failure

    @contextlib.contextmanager
    def _connected(self, writing: bool = False, layout: bool = False,
                   within: float | None = None) -> Iterator[sa.Connection]:
        """A connection for one transaction, committed when the block ends, with the tables made first if `layout`
        or the file is gone; any failure of the database or its file raises CorrectionsError, and so does a database
        server that has not answered `within` seconds (by default ANSWER_TIMEOUT; SQLite waits BUSY_TIMEOUT at
        most). After a failure that took CONNECT_TIMEOUT or more, see QUIET_AFTER_SILENCE."""
        # A file deleted or moved away while the server ran was made anew, empty, by SQLite, and every page run
        # then failed with "no such table" until a restart, though the advice said a new store is made (a review
        # of a classroom, 2026-12-06).
        layout = layout or (self.path is not None and not self.path.exists())
        with self.silence_lock:
            trying = self.silent is not None  # fail at once, or be the one use that tries, the others failing meanwhile
            if trying:
                until, said = self.silent
                if time.monotonic() < until:
                    raise CorrectionsError(said)
                self.silent = time.monotonic() + ANSWER_TIMEOUT + CONNECT_TIMEOUT, said
        expired, within, began = threading.Event(), within or ANSWER_TIMEOUT, time.monotonic()
        try:
            with self.engine.connect().execution_options(writing=writing) as db, (
                    answered_within(db.connection.dbapi_connection, within, expired)
                    if db.dialect.driver == "psycopg" else contextlib.nullcontext()), db.begin():
                if layout:
                    self._make_layout(db)
                yield db
        except (sa.exc.SQLAlchemyError, OSError) as error:
            waited, said = time.monotonic() - began, error
            if expired.is_set():
                said = TimeoutError(f"the database server did not answer within {within} s")
            elif self.path is None and waited >= CONNECT_TIMEOUT:  # "connection timeout expired" alone said less
                said = TimeoutError(f"the database server did not answer in {waited:.0f} s ({driver_words(error)})")
            failure = self._failure(said)
            if waited >= CONNECT_TIMEOUT:
                self.silent = time.monotonic() + QUIET_AFTER_SILENCE, str(failure)
            elif trying:
                self.silent = None  # answered, if with an error
            raise failure from error
        self.silent = None  # answered

    def add(
        self,
        image: Image.Image | np.ndarray,
        label: int,
        *,
        predicted: int | None = None,
        probabilities: Sequence[float] | None = None,
        model: str | None = None,
        session: str | None = None,
        looked_like_a_digit: bool | None = None,
    ) -> int:
        """Keep a drawing with its true label (and the model's answer, and whether the page took it for a digit at
        all, if given); returns the new id.

        `image` is anything to_mnist_input takes; ValueError if nothing is drawn on it or an argument is wrong.
        """
        label = checked_digit(label, "label")
        if not (looked_like_a_digit is None or isinstance(looked_like_a_digit, (bool, np.bool_))):
            raise ValueError(f"looked_like_a_digit must be True, False or None, got {looked_like_a_digit!r}")
        predicted = None if predicted is None else checked_digit(predicted, "predicted")
        probabilities_json = None if probabilities is None else json.dumps(checked_probabilities(probabilities))
        model_input = to_mnist_input(image)
        if model_input is None:
            raise ValueError("cannot keep this correction: nothing is drawn on the image")
        pixels = (np.clip(model_input, 0.0, 1.0) * 255).round().astype(np.uint8)
        row = {"created": utc_now(), "label": label, "image": pixels.tobytes(), "canvas_png": png_bytes(image),
               "predicted": predicted, "probabilities": probabilities_json, "model": model, "session": session,
               "looked_like_a_digit": None if looked_like_a_digit is None else bool(looked_like_a_digit)}
        # An add of a 280x280 canvas takes about 9 ms here: 3 to preprocess, 3.5 to encode the PNG, 2.5 for the
        # database. A connection kept open would save 2 of those (closing the last one checkpoints the WAL),
        # too little for a click to be worth connections that outlive their thread.
        with self._connected(writing=True) as db:
            return db.execute(CORRECTIONS.insert().values(row)).inserted_primary_key[0]

    def add_samples(self, x: np.ndarray, y: np.ndarray, predicted: np.ndarray | None = None,
                    looked_like_a_digit: np.ndarray | None = None) -> int:
        """Keep ready model inputs as they are, in one transaction: x (N, 28, 28) of 0-255, y (N,) of 0-9 and, if
        given, predicted (N,), what a model had read, -1 for none, and looked_like_a_digit (N,), whether the page took
        each for a digit at all (1 or 0), -1 where not asked; leaving out each the store held before (the same
        image with the same label), so that a file imported twice, or exported and imported back, is not kept
        twice. (Repeats within x are kept: they are what was given.)

        Returns how many were added; ValueError (and nothing kept) if the arrays are not in that layout.
        """
        x, y = checked_samples(x, y)
        predicted = checked_per_sample(predicted, len(y), "predicted", 9)
        looked = checked_per_sample(looked_like_a_digit, len(y), "looked_like_a_digit", 1)
        created, added = utc_now(), []
        if len(y):
            with self._connected(writing=True, within=BULK_TIMEOUT) as db:
                in_turn(db)
                kept = set(db.execute(sa.select(CORRECTIONS.c.image, CORRECTIONS.c.label)).tuples())
                added = [{"created": created, "label": int(label), "image": image.tobytes(),
                          "predicted": None if read < 0 else int(read),
                          "looked_like_a_digit": None if digit < 0 else bool(digit)}
                         for image, label, read, digit in zip(x, y, predicted, looked)
                         if (image.tobytes(), int(label)) not in kept]
                if added:
                    db.execute(CORRECTIONS.insert(), added)
        return len(added)

    def __len__(self) -> int:
        with self._connected() as db:
            return db.execute(sa.select(sa.func.count()).select_from(CORRECTIONS)).scalar()

    def delete(self, id: int, session: str | None = None) -> list[dict]:
        """Remove one correction (only if drawn in `session`, when given): returns it as a row for restore, in a list
        that is empty if there was none."""
        return self._removed(CORRECTIONS.c.id == id, *drawn_in(session))

    def clear(self, session: str | None = None) -> list[dict]:
        """Remove every correction (only those drawn in `session`, when given): returns them as rows for restore."""
        return self._removed(*drawn_in(session), within=BULK_TIMEOUT)

    def _removed(self, *where: sa.ColumnElement[bool], within: float | None = None) -> list[dict]:
        """Remove the corrections that meet `where`, returning each whole, as the table holds it."""
        with self._connected(writing=True, within=within) as db:
            removed = db.execute(CORRECTIONS.delete().where(*where).returning(*CORRECTIONS.c))
            return [dict(row) for row in removed.mappings()]

    def restore(self, rows: list[dict], since: str | None = None) -> int:
        """Put back corrections that delete or clear removed (`since` then, UTC ISO 8601 as utc_now gives it), each
        with its id, leaving out any put back already (a second tab's undo) and, given `since`, any kept again after
        it, the same image with the same label (imported from an export, or kept from the canvas an Undo gave back:
        a review found them kept twice, for the next fine-tune to learn twice, 2026-12-07); returns how many were put
        back. A deletion on the Corrections page had no undo, so one tap beside the wrong drawing lost a correction for
        good (noticed in a review, 2026-12-05)."""
        ids, images, c = [row["id"] for row in rows], [row["image"] for row in rows], CORRECTIONS.c
        with self._connected(writing=True, within=BULK_TIMEOUT) as db:
            in_turn(db)
            # Asked in parts: psycopg takes at most 65,535 parameters, and an undone "Delete all" of 70,000 failed.
            there = {id for start in range(0, len(ids), RESTORE_PART) for id in db.execute(
                sa.select(c.id).where(c.id.in_(ids[start:start + RESTORE_PART]))).scalars()}
            again = set() if since is None else {kept for start in range(0, len(images), RESTORE_PART) for kept in (
                db.execute(sa.select(c.image, c.label).where(c.image.in_(images[start:start + RESTORE_PART]),
                                                             c.created > since)).tuples())}
            back = [row for row in rows if row["id"] not in there and (row["image"], row["label"]) not in again]
            if back:
                db.execute(CORRECTIONS.insert(), back)
        return len(back)

    def sessions(self) -> list[tuple[str, int, str, str]]:
        """The browser sessions that kept corrections, the one that kept the latest first: each as (session, how many
        it kept, when it kept its first and its last, UTC ISO 8601). Imported corrections have none."""
        c = CORRECTIONS.c
        last = sa.func.max(c.created)
        query = (sa.select(c.session, sa.func.count(), sa.func.min(c.created), last).where(c.session.is_not(None))
                 .group_by(c.session).order_by(last.desc()))
        with self._connected() as db:
            return [tuple(row) for row in db.execute(query).all()]

    def samples(self) -> tuple[np.ndarray, np.ndarray]:
        """Every correction as training data, oldest first: x uint8 (N, 28, 28), y uint8 (N,)."""
        return self._samples()[:2]

    def _samples(self, session: str | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """samples(), what the model had read of each (int8, -1 for none) and whether the page took each for a digit
        at all (int8, 1 or 0, -1 where not asked), from one query; of one browser session's drawings only, if given."""
        c = CORRECTIONS.c
        query = sa.select(c.image, c.label, c.predicted, c.looked_like_a_digit).where(*drawn_in(session))
        with self._connected(within=BULK_TIMEOUT) as db:
            rows = db.execute(query.order_by(c.id)).all()
        x = np.frombuffer(b"".join(image for image, *_ in rows), np.uint8).reshape(-1, SIZE, SIZE).copy()
        predicted = np.array([-1 if read is None else read for _, _, read, _ in rows], np.int8)
        looked = np.array([-1 if digit is None else int(digit) for *_, digit in rows], np.int8)
        return x, np.array([label for _, label, *_ in rows], np.uint8), predicted, looked

    def records(self, label: int | None = None, session: str | None = None) -> list[Correction]:
        """The corrections, newest first; only those of one label, or drawn in one browser session, if given."""
        c = CORRECTIONS.c
        query = sa.select(c.id, c.label, c.image, c.predicted, c.probabilities, c.model, c.session, c.created,
                          c.looked_like_a_digit)
        query = query.where(*drawn_in(session))
        if label is not None:
            query = query.where(c.label == checked_digit(label, "label"))
        with self._connected() as db:
            rows = db.execute(query.order_by(c.id.desc())).all()
        return [
            Correction(id, label, np.frombuffer(image, np.uint8).reshape(SIZE, SIZE).copy(), predicted,
                       None if probabilities is None else json.loads(probabilities), model, session, created, looked)
            for id, label, image, predicted, probabilities, model, session, created, looked in rows
        ]

    def canvas_png(self, id: int) -> bytes | None:
        """The drawing of one correction as PNG, as it was drawn; None if there is no such correction or no drawing."""
        with self._connected() as db:
            return db.execute(sa.select(CORRECTIONS.c.canvas_png).where(CORRECTIONS.c.id == id)).scalar()

    def counts(self) -> dict[int, int]:
        """How many corrections there are of each digit, all ten digits included."""
        return self.tally()[0]

    def tally(self, session: str | None = None) -> tuple[dict[int, int], int, dict[int, int]]:
        """counts(), how many of the corrections the model had read as another digit, or the page as no digit
        (confirmations and imports are not), and for each digit how many a fine-tune may learn it better from: read
        as another digit, by no model (imports), or as no digit (which the fine-tune teaches the detector); in one
        query, of those drawn in one browser session only, if given."""
        c = CORRECTIONS.c
        wrong = sa.case((sa.or_(c.predicted != c.label, c.looked_like_a_digit.is_(False)), 1), else_=0)
        teaching = sa.case((sa.or_(c.predicted.is_(None), c.predicted != c.label, c.looked_like_a_digit.is_(False)), 1),
                           else_=0)
        query = (sa.select(c.label, sa.func.count(), sa.func.sum(wrong), sa.func.sum(teaching))
                 .where(*drawn_in(session)).group_by(c.label))
        with self._connected() as db:
            rows = db.execute(query).all()
        counts = {digit: 0 for digit in range(10)} | {label: count for label, count, *_ in rows}
        teach = {digit: 0 for digit in range(10)} | {label: int(taught) for label, _, _, taught in rows}
        return counts, int(sum(misread for _, _, misread, _ in rows)), teach

    def export_npz(self, file: str | os.PathLike | BinaryIO, session: str | None = None) -> int:
        """Write every correction (those drawn in one browser session, if given) as an MNIST-like .npz (x uint8
        (N, 28, 28), y uint8 (N,)), with what the model had read of each (predicted int8 (N,), -1 for none: without
        it, drawings exported and imported back counted as read by no model) and whether the page took each for a
        digit at all (looked_like_a_digit int8 (N,), 1 or 0, -1 where not asked); returns N.

        A path is replaced atomically, so a reader never sees half a file.
        """
        x, y, predicted, looked = self._samples(session)
        arrays = {"x": x, "y": y, "predicted": predicted, "looked_like_a_digit": looked}
        if isinstance(file, (str, os.PathLike)):
            with replaced_atomically(Path(file)) as out:  # np.savez_compressed would add .npz to the name
                np.savez_compressed(out, **arrays)
        else:
            np.savez_compressed(file, **arrays)
        return len(y)

    def import_npz(self, file: str | os.PathLike | bytes | BinaryIO) -> tuple[int, int]:
        """Add the samples of an .npz with x (N, 28, 28) of 0-255, y (N,) of 0-9 and, optionally, predicted (N,) of
        -1-9 and looked_like_a_digit (N,) of -1-1, each all or none, less those kept already (add_samples); returns
        how many were added, and N."""
        source = io.BytesIO(file) if isinstance(file, bytes) else file
        try:
            data = np.load(source, allow_pickle=False)
        except (ValueError, EOFError, zipfile.BadZipFile) as error:  # other bytes (numpy took them for a pickle), empty
            why = ("it is empty" if isinstance(error, EOFError) else "it is cut short or damaged"
                   if isinstance(error, zipfile.BadZipFile)
                   else "it is not a zip of arrays, as *Export all as .npz* (or numpy.savez) writes")
            raise ValueError(f"not an .npz file: {why}") from error
        if not isinstance(data, np.lib.npyio.NpzFile):
            raise ValueError("not an .npz file: it holds one array (.npy), not the arrays x and y")
        with data:
            missing = [key for key in ("x", "y") if key not in data.files]
            if missing:
                raise ValueError(f"the .npz file has no array {' or '.join(missing)} (it has: {', '.join(data.files)})")
            # The arrays' sizes as the zip gives them, before they are unpacked: zeros pack 1,000 to 1, and a 0.08 MB
            # file of 100,000 blank drawings took 312 MB and 4.3 s (a security review, 2026-12-06).
            unpacked = sum(member.file_size for member in data.zip.infolist())
            if unpacked > MAX_IMPORT_BYTES:
                raise ValueError(f"its arrays unpack to {unpacked / 1e6:,.1f} MB, over the {MAX_IMPORT_BYTES // 10**6} "
                                 f"MB (about {MAX_IMPORT_BYTES // 800:,} drawings) taken at once")
            try:
                x, y = data["x"], data["y"]
                predicted, looked = (data[key] if key in data.files else None
                                     for key in ("predicted", "looked_like_a_digit"))
            except (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error) as error:
                raise ValueError(f"the .npz file is damaged or holds Python objects: {error}") from error
            except MemoryError:  # a header that claims more than its bytes hold: numpy sets the whole array aside
                raise ValueError("the .npz file is damaged: an array's header claims more than it holds") from None
        return self.add_samples(x, y, predicted, looked), len(y)


def samples_sha256(x: np.ndarray, y: np.ndarray) -> str:
    """The sha256 of corrections as Corrections.samples() gives them: which drawings a fine-tune learned, so that the
    same ones are not learned twice."""
    return arrays_sha256({"x": x, "y": y}, ("x", "y"))


def checked_digit(value: object, name: str) -> int:
    """`value` as an int if it is an integer 0-9 (not a bool); else ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 0 <= value <= 9:
        raise ValueError(f"{name} must be an integer from 0 to 9, got {value!r}")
    return int(value)


def checked_probabilities(probabilities: Sequence[float]) -> list[float]:
    """Ten finite numbers as floats; else ValueError."""
    values = list(probabilities) if isinstance(probabilities, (Sequence, np.ndarray)) else None
    if values is None or len(values) != 10:
        raise ValueError(f"probabilities must be 10 numbers, one per digit, got {probabilities!r}")
    if not all(isinstance(p, numbers.Real) and not isinstance(p, bool) and math.isfinite(p) for p in values):
        raise ValueError(f"probabilities must be finite numbers, got {probabilities!r}")
    return [float(p) for p in values]


def checked_samples(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x (N, 28, 28) of integers 0-255 and y (N,) of integers 0-9, as uint8; else ValueError naming what is wrong."""
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim != 3 or x.shape[1:] != (SIZE, SIZE):
        raise ValueError(f"x must be images of shape (N, {SIZE}, {SIZE}), got shape {x.shape}")
    if y.shape != (len(x),):
        raise ValueError(f"y must be one label per image, shape ({len(x)},), got shape {y.shape}")
    for name, array, top in (("x", x, 255), ("y", y, 9)):
        if array.dtype.kind not in "iu":
            raise ValueError(f"{name} must hold integers from 0 to {top}, got {array.dtype}")
        if array.size and not (array.min() >= 0 and array.max() <= top):
            raise ValueError(f"{name} must hold integers from 0 to {top}, got values {array.min()} to {array.max()}")
    return x.astype(np.uint8), y.astype(np.uint8)


def checked_per_sample(values: np.ndarray | None, count: int, name: str, top: int) -> np.ndarray:
    """One integer from -1 (none) to `top` for each of `count` samples (what a model had read: top 9; whether the
    page took it for a digit: top 1), as int8, all -1 when not given; else ValueError naming `name`."""
    if values is None:
        return np.full(count, -1, np.int8)
    values = np.asarray(values)
    if values.shape != (count,) or values.dtype.kind not in ("iub" if top == 1 else "iu"):
        raise ValueError(f"{name} must be one integer per image, shape ({count},), got {values.dtype} of shape "
                         f"{values.shape}")
    if count and not (values.min() >= -1 and values.max() <= top):
        raise ValueError(f"{name} must hold integers from -1 (none) to {top}, got values {values.min()} to "
                         f"{values.max()}")
    return values.astype(np.int8)


def png_bytes(image: Image.Image | np.ndarray) -> bytes:
    """The image as PNG, channels kept (grey, RGB, RGBA); arrays of float or bool in 0-1 become 0-255."""
    if not isinstance(image, Image.Image):
        pixels = np.asarray(image)
        if pixels.dtype.kind in "bf":
            # Clipped first: a value like 1e300 overflows float32.
            pixels = (np.clip(pixels, 0.0, 1.0).astype(np.float32) * 255).round()
        if pixels.ndim == 3 and pixels.shape[2] == 1:
            pixels = pixels[..., 0]
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    image = eight_bit(image)  # its modes kept as they are, as preprocessing reads them
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


