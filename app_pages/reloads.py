"""A tab's drawings, and its last photo, outlive its reload. Streamlit gives a reloaded tab a new, empty session,
which lost a drawing not yet kept (a fresh user's review, 2026-12-03) and the photo read. So the canvases' drawings
and the page's mode are kept on the server, under a random token that the tab's address carries (?drawing=…), and a
new session opened at that address takes them back: the canvas is given its drawing again, as after a trip to
another page. The photo is kept apart and given back to the same browser only: a photo can show a person's
handwriting, their desk, their face, where a drawing shows only itself."""

from __future__ import annotations

import hashlib
import json
import math
import secrets
import threading
import time
from collections import OrderedDict

import streamlit as st

from app_pages.access import SESSION_ID

PARAM = "drawing"
# What a session keeps of its drawings (app_pages/draw.py): each canvas's last drawing (its key, its strokes and its
# PNG), the counts its canvases are keyed by, and the mode the page was in.
DRAWINGS = ("digit-drawing", "number-drawing")  # each canvas's (key, strokes, png)
KEPT = (*DRAWINGS, "drawings_kept", "digit-cleared", "number-cleared", "last mode")
# ...and, for a reload in the same browser only, the anonymous id its corrections are kept under (SESSION_ID,
# access.browser_session): a student who reloaded became a new tab, which no longer saw or could delete the drawings
# kept before (a review, 2026-12-05); but an address pasted into a chat gives its drawing, not those. With it, the
# Draw page's "Saved" of the drawing kept last, (label, id, its drawing, said), whose Undo a reload had lost.
SAVED = "saved"
# And the Corrections page's deletions, each with its Undo (app_pages/corrections.py): a reload had made a student's
# mistaken Delete final (a review, 2026-12-07). Up to DELETED_BYTES of their drawings: a Delete all of 5,000 with
# their canvases' pictures would take the room of a whole class's drawings.
DELETED = "deleted"
DELETED_BYTES = 1_000_000
# The newest tabs' drawings are kept, as bytes: their strokes as JSON text (as_kept), parsed again on a reload. A
# 3-digit number's strokes came to 15 KB of JSON and its PNG to 16 KB, so 300 tabs hold about 10 MB (kept parsed, by
# reference to what the sessions held, 82 KB a tab). They outlive their tabs, so the bytes are counted too: a
# visitor's 8 tabs, each sending its canvas a 15 MB picture, held 670 MB here after they closed, and strokes of
# 98,000 tiny lists, under 1 MB of JSON, took 38 MB parsed (security reviews, 2026-12-06; digits/canvas.py now
# refuses both).
MOST = 300
MOST_BYTES = 32_000_000
# The Photo page's last photo that opened, (name, bytes), and the mode it was read in (app_pages/photo.py's keys);
# kept while the page gives it back ("photo-kept"), under every token it was kept under (PHOTO_TOKENS), so that one
# forgotten or replaced is given back at none. A phone's 12-megapixel JPEG is 3-5 MB, and the page reads up to 20 MB:
# the newest 50 within 128 MB (30 photos of 4 MB), each for an hour after its tab last ran: a photo can show a face,
# and one left in a closed tab should not wait for the server's restart.
PHOTO, PHOTO_MODE, PHOTO_TOKENS = "photo-last", "last photo-mode", "photo tokens"
MOST_PHOTOS = 50
MOST_PHOTO_BYTES = 128_000_000
PHOTO_SECONDS = 3600.0


class RecentlyKept:
    """What tabs keep for a reload, by token: the newest `most` within `most_bytes` in all, each at most
    `most_seconds` after it was last kept; shared by every session."""

    def __init__(self, most: int, most_bytes: int, most_seconds: float = math.inf) -> None:
        self.most, self.most_bytes, self.most_seconds = most, most_bytes, most_seconds
        self.kept: OrderedDict[str, tuple[dict, int, float]] = OrderedDict()  # the oldest first
        self.bytes = 0
        self.lock = threading.Lock()

    def put(self, token: str, state: dict, size: int) -> None:
        """Keep `state`, which takes `size` bytes, under `token`, as the newest; the oldest beyond `most`, beyond
        `most_bytes` in all, or older than `most_seconds`, are dropped."""
        now = time.monotonic()
        with self.lock:
            self._pop(token)
            self.kept[token] = state, size, now
            self.bytes += size
            # Until none is left, where the newest alone is over `most_bytes`: the age of the oldest had been asked
            # of an empty store (StopIteration).
            while self.kept and (len(self.kept) > self.most or self.bytes > self.most_bytes
                                 or now - next(iter(self.kept.values()))[2] > self.most_seconds):
                self._pop(next(iter(self.kept)))

    def drop(self, *tokens: str) -> None:
        """Keep nothing under these tokens from now on."""
        with self.lock:
            for token in tokens:
                self._pop(token)

    def _pop(self, token: str) -> None:
        """Drop what is kept under `token`, holding the lock."""
        _, size, _ = self.kept.pop(token, (None, 0, 0.0))
        self.bytes -= size

    def get(self, token: str) -> dict | None:
        """What was kept under `token`, or None (never kept, dropped since, or kept over `most_seconds` ago)."""
        with self.lock:
            state, _, kept_at = self.kept.get(token, (None, 0, 0.0))
        return state if state is not None and time.monotonic() - kept_at <= self.most_seconds else None


def drawings_size(state: dict) -> int:
    """The bytes the drawings of a state to keep take, as_kept (its deletions apart: deletions_size)."""
    drawings = [state[key] for key in DRAWINGS if key in state] + ([state[SAVED][2]] if state.get(SAVED) else [])
    return sum(len(strokes) + len(png) for _, strokes, png in filter(None, drawings))


def deletions_size(deletions: list[tuple]) -> int:
    """The bytes the drawings of the Corrections page's deletions (session, rows, time) take."""
    return sum(len(row["image"]) + len(row.get("canvas_png") or b"") for _, rows, _ in deletions for row in rows)


def as_kept(drawing: tuple) -> tuple[str, str, bytes]:
    """A canvas's drawing (key, strokes, png) with its strokes as JSON text: kept so, it takes what is counted."""
    key, strokes, png = drawing
    return key, json.dumps(strokes, separators=(",", ":")), png


def drawing_given(drawing: tuple[str, str, bytes]) -> tuple:
    """A drawing as_kept with its strokes parsed again, as a canvas takes them."""
    key, strokes, png = drawing
    return key, json.loads(strokes), png


def as_given(state: dict) -> dict:
    """A state kept with its drawings as_kept, with their strokes parsed again, as a canvas takes them."""
    given = {key: drawing_given(value) if key in DRAWINGS else value for key, value in state.items()}
    if saved := given.get(SAVED):
        label, kept_id, drawing, said = saved
        given[SAVED] = label, kept_id, drawing and drawing_given(drawing), said
    return given


def session_drawing_as_kept(key: str) -> tuple[str, str, bytes]:
    """The session's drawing under `key` as_kept, made once for each drawing the session holds: every run keeps
    the drawings, and turning a 3-digit number's strokes to JSON took 1.3 ms (10,000 commands: 32 ms) of a run's
    16.6 ms of the server's CPU."""
    drawing, made = st.session_state[key], st.session_state.get(f"{key} as kept")
    if made is None or made[0] is not drawing:
        made = st.session_state[f"{key} as kept"] = drawing, as_kept(drawing)
    return made[1]


@st.cache_resource
def recent_drawings() -> RecentlyKept:
    """The one store of drawings of the server's process. Another replica has its own: behind a load balancer, a
    reload keeps its drawings where sessions are sticky, as uploads need (README, *Deploying*)."""
    return RecentlyKept(MOST, MOST_BYTES)


@st.cache_resource
def recent_photos() -> RecentlyKept:
    """The one store of photos of the server's process, apart from the drawings: a 20 MB photo would push out the
    drawings of a whole class."""
    return RecentlyKept(MOST_PHOTOS, MOST_PHOTO_BYTES, PHOTO_SECONDS)


def browser_key() -> str:
    """The browser this session runs in, as far as the server can tell: a hash of the token of Streamlit's XSRF
    cookie, which a browser's tabs share and a reload keeps, where another browser has another. Tornado masks it
    afresh on every page load ("2|mask|masked token|time", the token XORed with the 4-byte mask; an older cookie is
    the bare token). Empty without it (XSRF protection off, AppTest): then no browser is told from another."""
    cookie = st.context.cookies.get("_streamlit_xsrf", "")
    if not isinstance(cookie, str):  # AppTest's is a mock
        return ""
    try:
        _, mask, masked, _ = cookie.split("|")
        mask, masked = bytes.fromhex(mask), bytes.fromhex(masked)
        token = bytes(b ^ mask[i % len(mask)] for i, b in enumerate(masked))
    except (ValueError, ZeroDivisionError):
        token = cookie.encode()  # the bare token, or what no parsing should guess at
    return hashlib.sha256(token).hexdigest() if token else ""


def keep_over_reload() -> None:
    """Keep this session's drawings, and the photo the Photo page gives back, under its token, and put the token in
    the tab's address; nothing while it has neither, so that a visitor who only reads has a plain address."""
    state = {key: session_drawing_as_kept(key) if key in DRAWINGS else st.session_state[key]
             for key in (*KEPT, SESSION_ID) if key in st.session_state}
    if saved := st.session_state.get(SAVED):  # kept until the next stroke: a few runs' JSON
        label, kept_id, drawing, said = saved
        state[SAVED] = label, kept_id, drawing and as_kept(drawing), said
    # Counted once a run (every page's): a Delete all's Undo holds up to UNDO_ROWS rows.
    deletions = st.session_state.get(DELETED) or []
    if deletions and (deleted_bytes := deletions_size(deletions)) <= DELETED_BYTES:
        state[DELETED] = deletions
    drawn, browser = any(key in state for key in (*DRAWINGS, DELETED)), browser_key()
    # Without a browser to tell (XSRF protection off), a photo could be given back to none: it is not kept.
    photo = st.session_state.get(PHOTO) if st.session_state.get("photo-kept") and browser else None
    kept = st.session_state.get(PHOTO_TOKENS)  # (the photo, the tokens it was kept under)
    if kept is not None and kept[0] != photo:  # forgotten, taken out or replaced: given back at none of them
        recent_photos().drop(*kept[1])
        kept = st.session_state[PHOTO_TOKENS] = None
    if not drawn and photo is None:
        return
    token = st.session_state.setdefault("reload token", secrets.token_urlsafe(16))
    if drawn:
        recent_drawings().put(token, {**state, "browser": browser},
                              drawings_size(state) + (deleted_bytes if DELETED in state else 0))
    if photo is not None:
        tokens = {*(kept[1] if kept else ()), token}
        st.session_state[PHOTO_TOKENS] = photo, tokens
        recent_photos().put(token, {PHOTO: photo, PHOTO_MODE: st.session_state.get(PHOTO_MODE), "browser": browser,
                                    PHOTO_TOKENS: tokens}, len(photo[1]))
    if st.query_params.get(PARAM) != token:  # another page's link drops it from the address
        st.query_params[PARAM] = token


def restore_after_reload() -> None:
    """On a session's first run, take back the drawings kept under the token in its address, and in the same browser
    (a reload) the id its corrections are kept under and its last photo. The session keeps them under a token of its
    own: an address passed on to someone else gives them a copy, not a shared canvas, nor the drawings kept in that
    tab, nor its photo."""
    if st.session_state.get("reload checked"):
        return
    st.session_state["reload checked"] = True
    token, browser = st.query_params.get(PARAM, ""), browser_key()
    kept, photo = recent_drawings().get(token), recent_photos().get(token)
    if kept:
        kept = as_given(kept)
        same_browser = bool(browser) and kept["browser"] == browser
        st.session_state.update({key: value for key, value in kept.items()
                                 if key in KEPT or (key in (SESSION_ID, SAVED, DELETED) and same_browser)})
    if photo and browser and photo["browser"] == browser:
        # It stays kept at the address it came from too, until it is forgotten: taken from there at once, a second
        # reload before this session's first run had kept it under its own token (1.2 s for a 12-megapixel photo)
        # found it nowhere, as did a reload of a tab whose address another tab had opened (a review, 2026-12-06).
        st.session_state.update({PHOTO: photo[PHOTO], "photo-kept": True,
                                 PHOTO_TOKENS: (photo[PHOTO], set(photo[PHOTO_TOKENS]))})
        if photo[PHOTO_MODE] is not None:
            st.session_state[PHOTO_MODE] = photo[PHOTO_MODE]
