"""The Photo page: upload a photo (PNG, JPEG or WebP) or take one with the camera, and see the digit or the
number read in it, with a box around each digit on the photo."""

from __future__ import annotations

import hashlib
import weakref
from typing import TYPE_CHECKING

import streamlit as st

from digits.photos import MAX_MEGABYTES, PhotoError, open_photo, photo_ink

from app_pages.readings import AS_A_NUMBER, MODES, as_shown, boxed, point_to_number_mode, show_reading
from app_pages.resources import last_value_unless_set, remember_value, serving_recognizer

if TYPE_CHECKING:
    from PIL import Image
    from streamlit.runtime.uploaded_file_manager import UploadedFile

    from digits.recognition import PhotoReading, Recognizer


def main() -> None:
    """The page: the photo's source and the mode on the left, what was read on the right."""
    st.caption("A photo of a digit or a number on paper: dark ink on light paper or light on dark, any colour of "
               "ink, plain, ruled or squared paper, a little turned, under uneven light.")
    source, answer = st.columns([1, 1.4], gap="large")
    with source:
        new = "photo-upload" not in st.session_state  # Streamlit forgot the widgets: the page was just come back to
        # Read it as a number sets it too.
        mode = st.segmented_control("Read", MODES, default=last_value_unless_set("photo-mode", "Digit"), required=True,
                                    key="photo-mode")
        remember_value("photo-mode")
        # Any type of file is taken, and open_photo says what is wrong with one: the uploader's own refusal of a
        # type (a BMP, a HEIC) was a red mark whose reason showed only under a hovering pointer (a review, 2026-12-03).
        # It takes files up to .streamlit/config.toml's maxUploadSize, and open_photo refuses those over its
        # MAX_BYTES with their size: the uploader's own refusal of a 21 MB photo was a red mark whose reason showed
        # only under a hovering pointer, while the answer beside it stayed the last photo's (a review, 2026-12-04).
        upload = st.file_uploader(f"Upload a photo (PNG, JPEG or WebP; the page reads up to {MAX_MEGABYTES} MB)",
                                  key="photo-upload")
        # The drop zone's own "100MB per file" beside the label's 20 MB read as a contradiction (a review,
        # 2026-12-04): the label alone says the limit.
        st.html('<style>.st-key-photo-upload [data-testid="stFileUploaderDropzoneInstructions"] { display: none; }'
                "</style>")
        if st.toggle("Use the camera", key="photo-camera"):
            upload = st.camera_input("Take a photo", key="photo-shot") or upload
        chosen = lasting_photo(upload, new)
    with answer:
        if chosen is None:
            st.session_state.pop("photo-read", None)
            st.info("Upload a photo or take one to see what the model reads.")
            return
        name, data = chosen
        # A 12-megapixel photo takes 2-3 s to read, while "Upload a photo" stood beside the file just uploaded; and
        # opening a 49-megapixel one 1-1.6 s more, which the spinner did not cover (a review, 2026-12-06).
        try:
            with st.spinner("Reading the photo…"):
                recognizer, _ = serving_recognizer()
                read, shown = photo_reading(data, mode, recognizer)
                st.session_state["photo-last"], st.session_state["photo-kept"] = chosen, True
        except PhotoError as error:
            st.error(f"{name}: {error}")  # the last photo that opened stays the one given back (lasting_photo)
            return
        pointed = point_to_number_mode(read.as_number)
        if pointed:  # one tap, as on the Draw page: a tablet review found only the words "choose Number"
            st.button(AS_A_NUMBER, icon=":material/pin:", on_click=st.session_state.__setitem__,
                      args=("photo-mode", "Number"))
        if read.reading is None:
            st.warning(read.nothing)
            st.image(shown, caption=name, alt=f"The photo {name}")
            return
        show_reading(read.reading, shown, mode, advise=not pointed, photo=True)


def photo_reading(data: bytes, mode: str, recognizer: Recognizer) -> tuple[PhotoReading, Image.Image]:
    """The photo in the file's `data` read in `mode` by `recognizer`, and the picture to show (boxed, or the photo
    at the size the page shows it). Kept in the session for the runs after it that read the same: each run (a
    sidebar's widget, a visitor's program asking twice a second) read a 48-megapixel photo again in 2.1 s (a security
    review, 2026-12-06). The picture shown is kept, not the photo: 10 MB at most, against 36 MB for 12 megapixels;
    and the recognizer by a weak reference, so that a model no longer served is not kept alive by the session."""
    key = (hashlib.sha256(data).digest(), mode)
    kept = st.session_state.get("photo-read")
    if kept is not None and kept[0] == key and kept[1]() is recognizer:
        return kept[2], kept[3]
    photo = open_photo(data)
    read = recognizer.read_photo(photo_ink(photo), number=mode == "Number")
    shown = as_shown(photo) if read.reading is None else boxed(photo, read.reading)  # the photo is read already
    st.session_state["photo-read"] = key, weakref.ref(recognizer), read, shown
    return read, shown


def lasting_photo(upload: UploadedFile | None, new: bool) -> tuple[str, bytes] | None:
    """The photo to read, as its name and bytes: the one in the uploader (or the camera's), or, on a page just come
    back to (`new`), the last one that opened there (main keeps it), which Streamlit's uploader forgets with the page
    (the Draw page keeps its drawing likewise). One given back stays until another is chosen or it is forgotten with
    a button; one taken out of the uploader is forgotten, unless a file that does not open takes its place at once:
    the browser puts a file in another's place by taking that one out first, in a run with none, which had forgotten
    the good photo before a broken file came (a review, 2026-12-04)."""
    taken_out = st.session_state.pop("photo-out", False)  # the run before took the photo out
    if upload is not None:
        st.session_state["photo-given"] = None
        st.session_state["photo-kept"] = st.session_state.get("photo-kept") or taken_out  # main keeps one that opens
        return upload.name, upload.getvalue()
    if new:
        kept = st.session_state.get("photo-kept")
        st.session_state["photo-given"] = st.session_state.get("photo-last") if kept else None
    given = st.session_state.get("photo-given")
    if given is None:
        if st.session_state.get("photo-kept"):  # taken out: kept one run more, for a file put in its place
            st.session_state["photo-out"], st.session_state["photo-kept"] = True, False
        else:
            st.session_state.pop("photo-last", None)
        return None
    st.caption(f"Your last photo, {given[0]}, read again: upload another to replace it.")
    st.button("Forget this photo", on_click=forget_photo)  # a callback: the run it starts shows the photo no more
    return given


def forget_photo() -> None:
    """The Forget button's callback: no photo is given back from now on."""
    st.session_state["photo-given"], st.session_state["photo-kept"] = None, False
    st.session_state.pop("photo-last", None)


# st.navigation runs this file as __main__; the tests import it for its functions.
if __name__ == "__main__":
    main()
