"""The app's pages, for the router's menu and each page's links to the others on a phone."""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from app_pages.resources import secrets
from digits.deployment import collecting_enabled


class Page(NamedTuple):
    """A page of the app: its file, its title and icon in the menu, and what it is for."""

    path: str
    title: str
    # Material icons throughout: they come with Streamlit's own fonts, where emoji need one on the visitor's
    # machine (without one, as on this project's headless Chromium, the menu showed empty boxes).
    icon: str
    purpose: str  # said beside its link on a phone


PAGES = [
    Page("app_pages/draw.py", "Draw", ":material/draw:", "draw a digit or a number"),
    Page("app_pages/photo.py", "Photo", ":material/photo_camera:", "read a photo of a digit or a number"),
    Page("app_pages/model.py", "Model", ":material/monitoring:", "how it learned and what it gets wrong"),
    Page("app_pages/corrections.py", "Corrections", ":material/edit_note:", "the drawings kept"),
]


def shown_pages() -> list[Page]:
    """The pages this deployment shows, Draw first: a public link with collecting off does not show the Corrections
    page, which would be empty."""
    collecting = collecting_enabled(secrets())
    return [page for page in PAGES if collecting or page.title != "Corrections"]


# The links at the foot of a page (show_other_pages) show only where Streamlit's sidebar, with its own links, is
# folded away: it is open from 769 pixels on (seen in Chromium). Said in the router before the page: said after the
# Draw page's canvas, a stroke's rerun of its fragment dropped the style.
OTHER_PAGES_WHEN_NARROW = "@media (min-width: 769px) { .st-key-other-pages { display: none; } }"


def show_other_pages(current: str) -> None:
    """At the foot of the page titled `current`, links to the others, shown in a window of 768 pixels or less (a
    phone, a tablet upright; OTHER_PAGES_WHEN_NARROW): there Streamlit folds the page links into the sidebar, behind
    its », where a student never found the Photo page (a review, 2026-12-04), and the Photo, Model and Corrections
    pages led nowhere but back through it (a review, 2026-12-06). Told by the window's width, not by "Mobi" in the
    User-Agent: a tablet's has none, and a review's narrow window got no links (2026-12-05)."""
    with st.container(key="other-pages"):
        st.caption("The other pages:")  # not "in the » menu": at 768 pixels the top bar still lists them (a review)
        for page in shown_pages():
            if page.title != current:
                st.page_link(page.path, label=f"{page.title}: {page.purpose}", icon=page.icon)
