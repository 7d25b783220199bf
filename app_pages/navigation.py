"""The app's pages, for the router's menu and the Draw page's links to the others on a phone."""

from __future__ import annotations

from typing import NamedTuple

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
