"""The Corrections page: the digits kept on the Draw page with their true labels. How many of each, every one
(to delete the wrong ones), and all of them as an .npz to take away or to bring in; to a session without the rights
to manage them, only those kept in its own browser tab."""

from __future__ import annotations

import io
import zoneinfo
from datetime import datetime

import numpy as np
import streamlit as st

from digits.charts import correction_bars
from digits.corrections import Correction, Corrections, CorrectionsError, corrections_location
from digits.deployment import retraining_enabled
from digits.registry import utc_now

from app_pages.access import allowed, browser_session, can_unlock, store_problem
from app_pages.resources import get_corrections, last_value, remember_value, secrets, set_uninterrupted
from app_pages.screen_reader import announce, focus, name_buttons

GALLERY = 60  # corrections shown per digit, the newest
# Each drawing with its caption and button, side by side as many as fit, in this many pixels: in ten columns a
# phone (390 pixels) stacked them one a row, five drawings over two screens (a review, 2026-12-03).
TILE = 104
# A deletion of more drawings than this has no Undo: each is kept in the server's memory (some 3 KB with its PNG)
# until the session ends.
UNDO_ROWS = 5000
# The largest .npz imported, as before the server's limit rose for photos: import_npz unpacks the arrays in memory.
IMPORT_MEGABYTES = 20


def described(correction: Correction) -> str:
    """What the model had read in a correction, marked wrong or right: "✗ read 8 (62%)" under a 9, "✓ read 9 (97%)";
    "imported" for one that came without; "looked like no digit" for one the page said so of (its digit model's
    answer, often a sure 0, was not the page's). The marks: "read 8 (96%)" under a tab of 9s was all that told a
    misread drawing from a right one (a review, 2026-12-05)."""
    if correction.predicted is None:
        return "imported"
    if correction.looked_like_a_digit is False:
        return "looked like no digit"
    sure = "" if correction.probabilities is None else f" ({correction.probabilities[correction.predicted]:.0%})"
    return f"{'✓' if correction.predicted == correction.label else '✗'} read {correction.predicted}{sure}"


def show_gallery(store: Corrections, counts: dict[int, int], session: str | None) -> None:
    """A tab per digit with its newest corrections (those drawn in `session` only, if given), each with what the
    model had read and a delete button. It opens on the digit of the last deletion while it has some left, so that
    one can go on deleting there, else on the first digit kept (`counts` has at least one)."""
    by_label = {digit: [] for digit in range(10)}
    for correction in store.records(session=session):
        by_label[correction.label].append(correction)
    labels = [f"{digit} ({counts[digit]})" for digit in range(10)]
    kept = [digit for digit in range(10) if counts[digit]]
    last = st.session_state.pop("deleted_from", None)  # for the run right after a deletion or an Undo
    opened = last if last in kept else kept[0]
    # Tabs of a new key after an Undo, which open on their default: the browser kept the tab it had open where that
    # tab was still there, and an Undo of a 3 with the 0s open left them open (a review, 2026-12-05). Not after a
    # deletion, made in the tab open: new tabs, built anew, took the page 700 pixels up from it (seen in Chromium).
    undone = st.session_state.pop("just undone", False)
    if undone:
        st.session_state["gallery opened"] = st.session_state.get("gallery opened", 0) + 1
    times = st.session_state.get("gallery opened", 0)
    # On a phone the ten tabs wrap onto a second row: in one, scrolled sideways, the 9's was out of sight (a review).
    st.html("<style>@media (max-width: 640px) { .st-key-gallery [role='tablist'] { flex-wrap: wrap; } }</style>")
    tabs = st.container(key="gallery").tabs(labels, default=labels[opened], key=f"gallery-{times}")
    if undone:  # the keyboard's focus, lost with the Undo, onto its digit's tab
        focus(".st-key-gallery [role='tab'][aria-selected='true']", occasion=f"undo {times}")
    deletes = {}  # each Delete's name for a screen reader
    for digit, tab in zip(range(10), tabs):
        with tab:
            corrections = by_label[digit]
            if not corrections:
                st.caption(f"No corrections of {digit} yet.")
            elif len(corrections) > GALLERY:
                st.caption(f"The newest {GALLERY} of {len(corrections):,}.")
            gallery = st.container(horizontal=True, gap="medium")
            for correction in corrections[:GALLERY]:
                with gallery.container(width=TILE):
                    said = described(correction)
                    kept_as = f"kept as {digit}, {said.lstrip('✓✗ ')}"
                    # The caption says what it was read as, and the alt text no more: it had said it too
                    # (an accessibility review, 2026-12-07). Delete's name says it all, to tell one from another.
                    st.image(np.kron(correction.image, np.ones((3, 3), np.uint8)), caption=said,
                             alt=f"A drawing kept as {digit}")
                    deletes[f"delete-{correction.id}"] = f"Delete the drawing {kept_as}"
                    st.button("Delete", key=f"delete-{correction.id}", on_click=delete_one,
                              args=(store, correction.id, session, digit))
    name_buttons(deletes)


def delete_one(store: Corrections, id: int, session: str | None, digit: int) -> None:
    """Delete's callback: delete the correction `id` (of `digit`; only if drawn in `session`, when given), for Undo.
    A callback runs though the run after the click no longer draws the button: a click on a drawing deleted meanwhile
    in another tab did nothing, with the Undo of the deletion before standing as if it were this one's (a review,
    2026-12-07)."""
    try:
        deleted(store.delete(id, session), session, deleted_from=digit)
    except CorrectionsError as error:  # said by the run that follows (what a callback draws shows above the page)
        set_uninterrupted({"delete failed": store_problem(error)})


def deleted(rows: list[dict], session: str | None, **also: object) -> None:
    """Keep the corrections just deleted (as Corrections.delete or clear returns them, of one browser tab's drawings,
    `session`, or of everyone's, None) for Undo (show_undo), unless there are more than UNDO_ROWS; and set `also` in
    the session state. Though a rerun stops the run: the store has deleted them (set_uninterrupted)."""
    undo = rows and len(rows) <= UNDO_ROWS
    # None: deleted already, elsewhere. Said, where nothing was: the Undo of this tab's deletion before stood as if it
    # were this one's (a review, 2026-12-07).
    also = also if rows else {**also, "gone already": True}
    set_uninterrupted({"just deleted": True, **also} if undo else also,  # "just deleted": for show_undo, next run
                      {"deleted": lambda earlier: [*(earlier or []), (session, rows, utc_now())]} if undo else None)


def what_was_deleted(rows: list[dict]) -> str:
    """The corrections of one deletion, in words: "a drawing of 7", "12 drawings"."""
    return f"a drawing of {rows[0]['label']}" if len(rows) == 1 else f"{len(rows):,} drawings"


def show_undo(store: Corrections) -> None:
    """What was deleted last and an Undo button that puts it back, while this session has deleted any; one Undo for
    each deletion, the latest first. A Delete a row away from the drawing meant lost a correction for good, and a
    deletion said so only in a toast that faded (reviews, 2026-12-03 and 2026-12-05). Only deletions of drawings
    this session may still delete: after Lock, those of its own browser tab (a code review found a teacher's
    "Delete all" undone by the student at the same computer after the teacher locked it).

    Its style and its box are on the page whether or not there is anything to undo (an empty box, which Streamlit
    does not draw): put there by the first deletion, above the gallery, they moved every element after them one
    place down, which Streamlit took for new ones, built anew, and the page jumped from the deletion to its top
    (seen in Chromium)."""
    # Kept in sight at the top of the window while the gallery scrolls: on a phone, a drawing deleted further down
    # just vanished, with the Undo above the screen (a review, 2026-12-05). Over the gallery it needs the page's
    # background, which only the app's root paints: each block between them inherits it, whatever the theme.
    st.html("<style>:has(> .st-key-undo-deletion) { position: sticky; top: 3.75rem; z-index: 100; } "
            "[data-testid='stAppViewContainer'], [data-testid='stAppViewContainer'] :has(.st-key-undo-deletion) "
            "{ background-color: inherit; }</style>")
    box = st.container(horizontal=True, vertical_alignment="center", key="undo-deletion")
    if "undone" in st.session_state:
        st.toast(st.session_state.pop("undone"), icon=":material/undo:")
    if failed := st.session_state.pop("delete failed", None):
        st.error(f"The drawing was not deleted. {failed}")
    if st.session_state.pop("gone already", False):
        st.toast("That drawing had been deleted already, in another tab (or by Delete all): its Undo is there.",
                 icon=":material/info:")
    deletions = [deletion for deletion in st.session_state.get("deleted", [])
                 if allowed() or deletion[0] == browser_session()]
    if not deletions:
        return
    with box:
        _, rows, when = deletions[-1]
        # The earlier ones in words of their own: "(1 more before it)" left a review asking more of what.
        earlier = len(deletions) - 1
        more = (f" {earlier:,} earlier deletion{'' if earlier == 1 else 's'} can be undone after it."
                if earlier else "")
        st.caption(f"Deleted {what_was_deleted(rows)}.{more}")
        # Said, and the Undo under the keyboard's focus. Both name this deletion: Streamlit runs an st.html again
        # only when its text changes, and a second deletion's focus fell back to the page (a code review).
        if st.session_state.pop("just deleted", False):
            announce(f"Deleted {what_was_deleted(rows)}.{more} Undo is next.")
            focus(f".st-key-undo-delete-{rows[0]['id']} button")
        # Keyed by what it puts back: a double tap undid two deletions, its second tap the one before.
        if st.button("Undo", icon=":material/undo:", key=f"undo-delete-{rows[0]['id']}"):
            back = store.restore(rows, when)  # kept for another try if the store fails (main says why)
            undone = deletions[-1]
            set_uninterrupted({"undone": f"Put back {what_was_deleted(rows)}." if back == len(rows)
                               else f"Put back {back:,} of {len(rows):,}: the others are kept already.",
                               "deleted_from": rows[0]["label"],  # the gallery opens where it came back
                               "just undone": True},
                              {"deleted": lambda now: [deletion for deletion in now or [] if deletion != undone]})
            st.rerun()


def import_upload(store: Corrections, key: str) -> None:
    """The uploader's callback: add the samples of the chosen .npz to the store, once per file chosen, and
    leave for the next run to say how it went (what a callback draws would show above the page)."""
    upload = st.session_state[key]
    if upload is None:  # the file was taken out of the uploader
        return
    # The next run draws an empty uploader: a file left in it looked accepted though refused, and a file of
    # another type that the browser refused kept its red line under every later import.
    st.session_state["uploads"] = st.session_state.get("uploads", 0) + 1
    try:
        if upload.size > IMPORT_MEGABYTES * 10**6:
            raise ValueError(f"the file is {upload.size / 1e6:.1f} MB; the page imports up to {IMPORT_MEGABYTES} MB at "
                             "once")
        added, total = store.import_npz(upload.getvalue())
    except ValueError as error:
        imported = ("error", f"{upload.name} was not imported: {error}")
    except CorrectionsError as error:
        imported = ("error", f"{upload.name} was not imported: {store_problem(error)}")
    else:
        if added:
            known = f" Left out {total - added:,} of its {total:,}, kept already." if added < total else ""
            imported = ("success", f"Added {added:,} correction{'' if added == 1 else 's'} from {upload.name}.{known}")
        else:
            held = (("its one correction is" if total == 1 else f"all {total:,} of its corrections are")
                    + " kept already") if total else "it holds none"
            imported = ("info", f"Nothing was added from {upload.name}: {held}.")
    set_uninterrupted({"imported": imported})  # the store has them: said, though a rerun stops this run


def show_import(store: Corrections) -> None:
    """An uploader for an .npz of corrections (x uint8 (N, 28, 28), y (N,) of 0-9), and how the last one went."""
    key = f"upload {st.session_state.get('uploads', 0)}"
    # Any type of file is taken, and import_npz says what is wrong with one: the uploader's own refusal of a JPEG was a
    # red mark whose reason showed only under a hovering pointer (a review, 2026-12-04).
    # Any size up to the server's, and import_upload refuses those over IMPORT_MEGABYTES with their size: the
    # uploader's own refusal of a 22.5 MB file was a red mark, its reason only under a hovering pointer (a review,
    # 2026-12-07). The label alone says the limit, as on the Photo page.
    st.file_uploader(f"Import corrections from an .npz (x: N 28x28 images, y: N labels; up to {IMPORT_MEGABYTES} MB)",
                     key=key, on_change=import_upload, args=(store, key))
    st.html(f'<style>.st-key-upload-{st.session_state.get("uploads", 0)} '
            '[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }</style>')
    if "imported" in st.session_state:
        alert, message = st.session_state.pop("imported")  # its name: the session state holds plain data
        getattr(st, alert)(message)


def npz_bytes(store: Corrections, session: str | None = None) -> bytes:
    """Every correction (those of one browser tab, if given) as an MNIST-like .npz, in memory."""
    file = io.BytesIO()
    store.export_npz(file, session)
    return file.getvalue()


def show_export(store: Corrections, session: str | None = None) -> None:
    """A button that downloads every correction (those of one browser tab, if given) as an .npz."""
    # The tab's alone when one is chosen, as Delete takes: "Export all" beside "Delete all … of the chosen tab" gave
    # everyone's (a review).
    # Made at the click, not as the page ran: a teacher's file left out two drawings kept meanwhile, which Delete all
    # then deleted (a review, 2026-12-07). With no run at the click, which Streamlit's documentation advises for a
    # download made at the click: the run it starts goes on beside the download.
    st.download_button("Export this tab's as .npz" if session else "Export all as .npz",
                       lambda: npz_bytes(store, session),
                       file_name=f"corrections-tab-{tab_code(session)}.npz" if session else "corrections.npz",
                       mime="application/octet-stream", on_click="ignore")


def show_delete_all(total: int, store: Corrections, session: str | None = None) -> None:
    """A button that deletes every correction (those of one browser tab, if given), once a checkbox says so."""
    # Short: in a third of the page, "Yes, delete all 6 drawings of the chosen tab" was cut to "… of the c…".
    drawings = f"{total:,} drawing{'' if total == 1 else 's'}" + (", for good" if total > UNDO_ROWS else "")
    # "the", not "all", of one: "Yes, delete all 1 drawing" (a review).
    sure = st.checkbox(f"Yes, delete this tab's {drawings}" if session else
                       f"Yes, delete {'the' if total == 1 else 'all'} {drawings}")
    if st.button("Delete this tab's drawings" if session else "Delete all corrections", disabled=not sure):
        deleted(store.clear(session), session)
        st.rerun()


def tab_code(session: str) -> str:
    """How a browser tab is named on the page: the first 6 characters of its session id."""
    return session[:6]


def local_time(utc: str, zone: str | None) -> str:
    """A UTC ISO 8601 time to the second in the IANA time `zone` (the browser's, st.context.timezone), or in UTC,
    saying so, where there is none: "2026-12-04 23:21:07", "2026-12-04 22:21:07 UTC"."""
    when = datetime.fromisoformat(utc)
    try:
        return f"{when.astimezone(zoneinfo.ZoneInfo(zone or '')):%Y-%m-%d %H:%M:%S}"
    except (ValueError, OSError, zoneinfo.ZoneInfoNotFoundError):  # "America" is a folder: IsADirectoryError
        return f"{when:%Y-%m-%d %H:%M:%S} UTC"


def choose_tab(store: Corrections) -> str | None:
    """For whoever manages them, where several browser tabs kept drawings (a classroom's students): whose to show,
    everyone's (None) or one tab's, so that one student's drawings can be looked over or deleted together (a
    teacher could not tell whose was which, a review of 2026-12-03)."""
    tabs = {session: first for session, _, first, _ in store.sessions()}
    if len(tabs) < 2:
        return None

    def described(session: str | None) -> str:
        # Named by what does not change as the tab keeps drawing: Streamlit tells the options apart by their words,
        # so two alike ("1 drawing, kept 10:15") could not both be chosen, and a count that grew dropped the choice.
        if session is None:
            return "Everyone's"
        # To the second, in the teacher's time: two students' tabs were both "first kept 22:21 UTC" (a review,
        # 2026-12-04). Each student's page names its tab, for the teacher to ask.
        return f"Tab {tab_code(session)}, first kept {local_time(tabs[session], st.context.timezone)}"
    # Who a tab is, said in the label: "Every tab's" and "(2 browser tabs kept some)" read as jargon (a review);
    # "each person", not "each student": the page serves a family or a public link as well as a classroom.
    # Kept over a trip to another page (last_value): it went back to everyone's, and the Export and Delete below it
    # with it (a review, 2026-12-07).
    options, last = [None, *tabs], last_value("corrections-tab", None)
    chosen = st.selectbox(f"Whose drawings: kept in {len(tabs)} browser tabs, usually one for each person who drew",
                          options, index=options.index(last) if last in options else 0, format_func=described,
                          key="corrections-tab")
    remember_value("corrections-tab")
    return chosen


def show_corrections(store: Corrections) -> None:
    """The whole page, for a store that opens: every drawing kept to a session allowed to manage them; to any other,
    only the drawings kept in its own browser tab (a classroom's or a public link's visitors see no one else's)."""
    mine = None if allowed() else browser_session()
    if mine:
        others = (" Seeing everyone's, and exporting, importing or deleting them, needs the password, in the sidebar."
                  if can_unlock() else " No one else's are shown on this site.")
        st.caption(f"Shown here: the drawings kept in this browser tab (tab {tab_code(mine)}), which you may "
                   f"delete.{others}")
    shown = mine or choose_tab(store)  # one tab's drawings, or everyone's (None)
    show_undo(store)
    counts, misread, _ = store.tally(shown)
    total = sum(counts.values())
    if total:
        # Drawings kept, not "corrections": one confirmed as read right is kept too (the sidebar counts alike).
        # Imported ones were read by no model: "0 read wrong" would vouch for them, so a count of none is left out.
        # The count beside its bars, not above them: on a 1366x768 laptop's page (about 650 pixels) the drawings
        # themselves began at 670, below the screen (a review, 2026-12-06). Stacked on a phone, as before.
        count, bars = st.columns([1, 4], vertical_alignment="center")
        count.metric("Drawings kept" if mine is None else "Drawings you kept", f"{total:,}",
                     delta=f"{misread:,} read wrong" if misread else None, delta_color="off", delta_arrow="off")
        with bars:
            st.vega_lite_chart(correction_bars(counts), height=160)
        show_gallery(store, counts, shown)
        if mine is None:  # a file of the drawings shown, and drawings the next fine-tune learns: for whoever runs it
            # Two columns, the import below: in three, a review's 1024-pixel window cut "Yes, delete all 4 drawings"
            # to "Yes, delete all 4 dr…" and "Delete all corrections" to "Delete all correcti…" (2026-12-06).
            take_away, start_over = st.columns(2, gap="large")
            with take_away:
                show_export(store, shown)
            with start_over:
                show_delete_all(total, store, shown)
            show_import(store)
    else:
        # A reload keeps the tab (app_pages/reloads.py), an address typed anew does not: a review's student, who had
        # kept a 2, opened /corrections so and read only "You have kept no drawings in this browser tab yet".
        st.info(("No corrections yet." if mine is None else "You have kept no drawings in this browser tab yet (a tab "
                 "opened at a typed or bookmarked address starts anew; what was kept before is still kept).") +
                " On the Draw page, say whether the model read your digit right: each answer is kept here, to teach "
                "it your handwriting.")
        if mine is None:
            show_import(store)
    if mine is None:  # where on the server they are is for whoever runs it, not for every visitor of a public link
        st.caption(f"Kept in {store.where}")


def main() -> None:
    """The page, or why there is none: the store cannot be used. (With collecting off, the app does not serve it.)"""
    learn = ""
    if retraining_enabled(secrets()):
        learn = " *Learn my handwriting* in the sidebar fine-tunes the model on them" + (
            "." if allowed() else ", with the password.")
    st.caption("The drawings kept on the Draw page with their true digits, whether the model read them right or "
               "not." + learn)
    try:
        show_corrections(get_corrections(corrections_location()))
    except CorrectionsError as error:
        st.error(store_problem(error))


# st.navigation runs this file as __main__; the tests import it for its functions.
if __name__ == "__main__":
    main()
