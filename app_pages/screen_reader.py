"""What the pages say to a screen reader beyond what Streamlit's widgets do: the answer, a deletion, where focus
goes. An accessibility review (2026-12-05) heard the prompt to draw, then nothing of the digit read, and after a
deletion the focus fell back to the top of the page, the Undo out of reach."""

from __future__ import annotations

import html
import json

import streamlit as st

# Out of sight, its element taken out of the page's flow (no gap in the column), yet read.
OUT_OF_SIGHT = ("<style>.stElementContainer:has(.announced) { position: absolute; width: 1px; height: 1px; "
                "overflow: hidden; clip-path: inset(50%); }</style>")


def announce(words: str) -> None:
    """Say `words` to a screen reader, out of sight: a status, which it says when it appears or changes, after what
    it is saying (polite)."""
    st.html(f'<p class="announced" role="status" aria-live="polite" aria-atomic="true">{html.escape(words)}</p>'
            + OUT_OF_SIGHT)


def focus(selector: str, occasion: str = "") -> None:
    """Move the keyboard's focus to the first element that matches the CSS `selector`, once it is on the page,
    without scrolling to it (the sticky Undo, focused, took the page from a deletion far down back to its top, a
    review found). Streamlit runs an st.html again only when its text changes: `occasion`, different each time the
    focus is to move, makes it so where the selector stays the same."""
    st.html(f"""<script>
(function focus(tries) {{  // {html.escape(occasion)}
  const target = document.querySelector({json.dumps(selector)});
  if (target) target.focus({{preventScroll: true}});
  else if (tries < 40) setTimeout(() => focus(tries + 1), 50);
}})(0);
</script>""", unsafe_allow_javascript=True)
