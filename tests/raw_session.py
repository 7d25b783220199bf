"""A session of the page driven over its websocket by a program instead of a browser: it can send what no page's
widget would, as any visitor's own client can."""

from __future__ import annotations

import asyncio
import json

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.BidiComponent_pb2 import BidiComponent
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.browser import FINISHED


class RawSession:
    """One session of the app at `url` (http://host:port), opened at the address's `query` (without "?")."""

    def __init__(self, url: str, query: str = "") -> None:
        self.stream = url.replace("http://", "ws://") + "/_stcore/stream"
        self.query = query
        self.page = ""  # the page's script hash, once the server has said it
        self.elements: list[Element] = []  # what the last run drew

    async def __aenter__(self) -> RawSession:
        self.socket = await websockets.connect(self.stream, subprotocols=["streamlit"], max_size=None)
        return self

    async def __aexit__(self, *exception: object) -> None:
        await self.socket.close()

    async def send(self, message: BackMsg) -> None:
        await self.socket.send(message.SerializeToString())

    async def run(self, widgets: list[dict] = (), timeout_s: float = 120) -> list[Element]:
        """Run the page with `widgets` (WidgetState fields by name, "id" among them) and return what it drew."""
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string, rerun.page_script_hash = self.query, self.page
        for widget in widgets:
            rerun.widget_states.widgets.add(**widget)
        self.elements = []
        await self.send(message)
        async with asyncio.timeout(timeout_s):
            while True:
                reply = ForwardMsg.FromString(await self.socket.recv())
                kind = reply.WhichOneof("type")
                if kind == "new_session":
                    self.page = self.page or reply.new_session.main_script_hash
                elif kind == "page_info_changed":
                    self.query = reply.page_info_changed.query_string
                elif kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
                    self.elements.append(reply.delta.new_element)
                elif kind == "script_finished" and reply.script_finished in FINISHED:
                    return self.elements

    def drawn(self, kind: str) -> list[Element]:
        """The elements of `kind` ("metric", "exception", ...) that the last run drew."""
        return [getattr(element, kind) for element in self.elements if element.WhichOneof("type") == kind]

    def drawn_canvas(self) -> BidiComponent:
        """The canvas the last run drew."""
        [canvas] = [component for component in self.drawn("bidi_component") if "canvas" in component.component_name]
        return canvas

    def canvas(self, strokes: object, png_url: str) -> dict:
        """The widget state of the last run's canvas, sending `strokes` (its JSON) and a picture as a data URL, as the
        canvas does after a stroke."""
        return {"id": self.drawn_canvas().id, "json_value": json.dumps({"drawing": {"raw": strokes, "data": png_url}})}

    def given_drawing(self) -> dict | None:
        """The drawing the last run's canvas was given to show (its strokes' JSON), if any."""
        return json.loads(self.drawn_canvas().json)["initialDrawing"]
