"""What the pages say to a screen reader beyond what Streamlit's widgets do: the answer, a deletion, where focus
goes. An accessibility review (2026-12-05) heard the prompt to draw, then nothing of the digit read, and after a
deletion the focus fell back to the top of the page, the Undo out of reach. And what they bring into view for
everyone: a new canvas, a training's outcome."""

from __future__ import annotations

import html
import json

import streamlit as st

# A script's element out of the column's flow: in it, it took a gap of 16 pixels (measured in Chromium).
OUT_OF_FLOW = ("<style>.stElementContainer:has(> [data-testid='stHtml'] > script.out-of-flow) "
               "{ position: absolute; }</style>")


def run_script(script: str, occasion: str = "") -> None:
    """Run JavaScript `script` in the page. Streamlit runs an st.html again only when its text changes: `occasion`,
    different each time it is to run again, makes it so where the script stays the same."""
    st.html(f'<script class="out-of-flow">// {html.escape(occasion)}\n{script}</script>{OUT_OF_FLOW}',
            unsafe_allow_javascript=True)


def in_script(value: str | dict) -> str:
    """`value` as JavaScript, to write in a script, which a "</script>" in it would have ended."""
    return json.dumps(value).replace("</", "<\\/")


def announce(words: str) -> None:
    """Say `words` to a screen reader, out of sight: a status, which it says after what it is saying (polite).

    One status for the page, made once at the foot of its body, outside Streamlit's elements, that each
    announcement empties, then fills: a screen reader says a status's words when they change, not those it is
    made with, and Streamlit made each announcement's anew."""
    run_script(f"""(function () {{
  let status = document.getElementById("announcer");
  if (!status) {{
    status = Object.assign(document.createElement("p"), {{id: "announcer"}});
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    status.setAttribute("aria-atomic", "true");
    status.style.cssText = "position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);";
    document.body.append(status);
  }}
  status.textContent = "";
  setTimeout(() => {{ status.textContent = {in_script(words)}; }}, 100);
}})();""")


def silence_on_new_page(page: str) -> None:
    """Empty announce()'s status when this run shows another page than the last: the status outlives the page, and a
    screen reader reading the Model page through still found the Draw page's last answer at its foot.

    Called on every run, before the page draws anything: its script runs again only when the page changes
    (run_script), before the page's own announcement. It stands in the same place on every run, so that no element
    of the page moves for it (a canvas moved to another place is drawn anew). Called last, on a new page only, it
    emptied the status after a slow run's announcement had filled it (a clean-clone CI run, 2026-12-06)."""
    run_script('document.getElementById("announcer")?.replaceChildren();', occasion=page)


def focus(selector: str, occasion: str = "") -> None:
    """Move the keyboard's focus to the first element that matches the CSS `selector`, once it is on the page,
    without scrolling to it (the sticky Undo, focused, took the page from a deletion far down back to its top, a
    review found). `occasion` as run_script's, where the selector stays the same."""
    run_script(f"""(function focus(tries) {{
  const target = document.querySelector({in_script(selector)});
  if (target) target.focus({{preventScroll: true}});
  else if (tries < 40) setTimeout(() => focus(tries + 1), 50);
}})(0);""", occasion)


def name_buttons(names: dict[str, str]) -> None:
    """Give the buttons of these widget keys these names for a screen reader (aria-label), where their words alone
    are the same: a gallery's "Delete" under every drawing was one name, heard 30 times (an accessibility review,
    2026-12-05). Named as they come onto the page, a tab's when it opens, by one observer of the page for its
    life; each call replaces the names it gives."""
    run_script(f"""(function () {{
  window.buttonNames = {in_script(names)};
  const name = () => document.querySelectorAll("[class*='st-key-'] button").forEach(button => {{
    const holder = button.closest("[class*='st-key-']");
    const key = [...holder.classList].find(c => c.startsWith("st-key-")).slice(7);
    if (key in window.buttonNames && button.getAttribute("aria-label") !== window.buttonNames[key])
      button.setAttribute("aria-label", window.buttonNames[key]);
  }});
  if (!window.buttonNamer) {{
    window.buttonNamer = new MutationObserver(name);
    window.buttonNamer.observe(document.body, {{childList: true, subtree: true}});
  }}
  name();
}})();""")


def bring_into_view(key: str) -> None:
    """Scroll to the widget of this key where it is out of sight: its top above the screen's, under Streamlit's
    header, or in the screen's lowest quarter or below it. A finger scrolls down to the digits to pick one, and the
    page stayed scrolled there once the drawing was kept (or taken back), the new canvas a third above the screen,
    where a finger draws instead of scrolling (a review on a phone, 2026-12-06); after Read it as a number, the whole
    Number strip was above it. A training's outcome came below the retrain controls, which came back above it as it
    ended, 600-900 pixels under a laptop's screen (a review at 1366x650, 2026-12-06). Where it is in view, nothing
    moves. It looks for a second, as the rest of the run's page comes and goes."""
    run_script(f"""(function bring(tries) {{
  const widget = document.querySelector({in_script(f".st-key-{key}")});
  const header = document.querySelector('[data-testid="stHeader"]');
  const top = header ? header.getBoundingClientRect().bottom : 0;
  const at = widget ? widget.getBoundingClientRect().top : 0;
  if (widget && (at < top || at > 0.75 * window.innerHeight)) {{
    widget.style.scrollMarginTop = `${{top + 8}}px`;
    widget.scrollIntoView({{block: "start"}});
  }}
  if (tries < 20) setTimeout(() => bring(tries + 1), 50);
}})(0);""", occasion=key)
