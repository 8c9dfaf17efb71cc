"""A client of Streamlit's own browser protocol: one StreamlitClient is one browser tab.

Streamlit's page talks to its server over one websocket, `/_stcore/stream`, in protobufs
(`streamlit.proto`): the page sends BackMsgs, the server answers with ForwardMsgs. This client
sends what the page sends and keeps what the page keeps, but draws nothing, so dozens of
sessions cost the client machine little CPU (benchmarks/load_classroom.py). It follows the
frontend bundled with streamlit 1.67 (streamlit/static/static/js), and
tests/test_protocol_client.py checks it against the frames of a real Chromium session.

    client = StreamlitClient("http://127.0.0.1:8501")
    await client.open("dataset=cars&lr=0.002")          # the link's query string
    await client.set_value(client.widget(key="lr"), "0.0021")
    await client.click(client.widget(key="next"))         # a button in a fragment
    await client.upload(client.widget(key="upload"), "a.csv", b"x,y\\n1,2\\n")
    figure = client.chart("Data and the model")          # plotly figure by title
    await client.close()

What the page does, and so this client:

* Opening: GET /_stcore/health and /_stcore/host-config (health sets the `_streamlit_xsrf`
  cookie), then the websocket with an Origin header, the cookie and the subprotocols
  ["streamlit", <xsrf cookie>]: Streamlit repurposes that header, its second entry is the XSRF
  token (a third would be a session id to resume). The server selects "streamlit".
* A rerun is `BackMsg.rerun_script`, a ClientState: the query string (the link's on the first
  run, afterwards the last `page_info_changed` the script sent, as in the address bar), EVERY
  widget state the page holds (not only the changed one), the page script hash (empty on the
  first run), the fragment id when a widget inside an `st.fragment` changed, the hashes of the
  forward-message cache and the browser context (time zone, locale, URL, colour scheme).
* Widget states: a widget first seen takes its value from its proto (`value` or `raw_value`
  if `set_value` is set, else `default`); a later proto with `set_value` overwrites it, and
  so does the user. When a run finishes, states of widgets no longer on the page are dropped.
  Option widgets (radio, selectbox, select_slider, segmented control, multiselect) send the
  option's label as a string, never its index. A file uploader holds an empty state until a
  file is uploaded.
* A button click sends `trigger_value` once, together with every other state.
* An upload: `file_urls_request` → `file_urls_response` → HTTP PUT of a multipart form whose
  one part is named after the file, with the XSRF cookie and an `X-Xsrftoken` header → a
  rerun whose uploader state lists the file (name, size, file id, its URLs).
* The forward-message cache: an element message of 10 kB or more (hidden option
  `global.minCachedMessageSize`) is `cacheable`; the page keeps it and lists its hash in every
  rerun, and the server then sends a `ref_hash` reference in its place when it would send the
  same message again. A kept message expires `max_cached_message_age` (from `new_session`)
  finished runs after it was last sent or referred to. ForwardMsgCache mirrors the
  frontend's ForwardMessageCache, so the server does the same work for this client as for a
  browser.
* The page: deltas are merged into a tree by `delta_path`; when a run finishes, elements it
  did not resend are dropped (for a fragment run, only inside that fragment).

Not mirrored: the page's static files (the browser downloads the JavaScript bundle: see
`fetch`, which downloads a given list of them), the second upload into an uploader that
already holds a file (the browser deletes the old one), widgets not listed in `_STATEFUL`
(using one raises UnsupportedWidget rather than sending states unlike a browser's), forms.

Timing: an action's RunResult.seconds runs from sending its first BackMsg to receiving the
`script_finished` of the run it caused; every delta of that run arrives before it, in order,
on the same socket. An exception element in that run is reported in RunResult.exceptions.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import re
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Block_pb2 import Block
from streamlit.proto.ClientState_pb2 import ContextInfo
from streamlit.proto.Common_pb2 import FileURLsResponse, UploadedFileInfo
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin, Subprotocol

XSRF_COOKIE = "_streamlit_xsrf"
SUBPROTOCOL = "streamlit"
# What Chromium sends with every request for a static file.
ACCEPT_ENCODING = {"Accept-Encoding": "gzip, deflate, br, zstd"}
# What headless Chromium on a UTC machine sends; the server only stores it for st.context.
DEFAULT_CONTEXT = {
    "timezone": "UTC",
    "timezone_offset": 0,
    "locale": "en-US",
    "is_embedded": False,
    "color_scheme": "light",
}
# The element types that hold a widget state, and those that only send a trigger.
_STATEFUL = {
    "checkbox", "radio", "selectbox", "slider", "number_input", "text_input", "text_area",
    "multiselect", "button_group", "file_uploader",
}  # fmt: skip
_TRIGGERS = {"button", "download_button"}
# Element types with a widget state this client does not model.
_UNSUPPORTED = {
    "audio_input", "camera_input", "chat_input", "color_picker", "date_input", "time_input",
    "date_time_input", "feedback", "bidi_component", "component_instance", "pagination",
    "menu_button",
}  # fmt: skip
_SELECTABLE = {"plotly_chart", "vega_lite_chart", "dataframe", "deck_gl_json_chart"}
_KEY = re.compile(r"^\$\$ID-[0-9a-f]+-(.*)$")
_TAGS = re.compile(r"<[^>]*>")
_FINISHED = ForwardMsg.ScriptFinishedStatus
_RUN_DONE = {_FINISHED.FINISHED_SUCCESSFULLY, _FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


class ProtocolError(RuntimeError):
    """The server sent something this client (or a browser) cannot handle."""


class UnsupportedWidget(NotImplementedError):
    """The page holds a widget whose state this client does not model."""


# -- the page: a tree of blocks and elements ----------------------------------------------------


@dataclass
class Node:
    """A block (container) or an element of the page, as the frontend's tree holds it."""

    element: Element | None = None
    block: Block | None = None
    fragment_id: str = ""  # the fragment that sent it, if any
    run_id: str = ""  # the script run that last sent it (or, for a block, anything inside it)
    path: tuple[int, ...] = ()
    children: dict[int, Node] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        if self.element is not None:
            return self.element.WhichOneof("type") or ""
        return (self.block.WhichOneof("type") or "") if self.block is not None else ""

    def walk(self) -> Iterator[Node]:
        """This node and everything inside it, in page order."""
        yield self
        for index in sorted(self.children):
            yield from self.children[index].walk()


def _new_root() -> Node:
    # The four root containers: main, sidebar, event, bottom (RootContainer.proto).
    return Node(children={index: Node(path=(index,)) for index in range(4)})


def _set_node(root: Node, path: tuple[int, ...], node: Node) -> None:
    """Put node at path; blocks on the way are marked as sent by node's run (the frontend
    rebuilds each ancestor with the new run id)."""
    parent = root
    for depth, index in enumerate(path[:-1]):
        child = parent.children.get(index)
        if child is None:  # a descendant before its container: a placeholder block
            child = parent.children[index] = Node(path=path[: depth + 1])
        if child.element is not None:
            return  # the frontend refuses to mount a node inside an element
        child.run_id = node.run_id
        parent = child
    existing = parent.children.get(path[-1])
    # A block re-sent with the same type keeps its children (they are cleared later if the run
    # does not resend them); anything else replaces the node and what was inside it.
    if (
        node.element is None
        and existing is not None
        and existing.element is None
        and (existing.block is None or existing.kind == node.kind)
    ):
        node.children = existing.children
    parent.children[path[-1]] = node


def _clear_stale(node: Node, run_id: str, fragment_ids: Sequence[str], in_fragment: bool) -> None:
    """Drop what the finished run did not resend: the frontend's clearStaleNodes."""
    fragment_run = bool(fragment_ids)
    for index, child in list(node.children.items()):
        if child.element is not None:
            keep = child.kind == "toast" or child.run_id == run_id
            if fragment_run:
                keep = keep or not child.fragment_id or not in_fragment
            if not keep:
                del node.children[index]
            continue
        inside = in_fragment
        if fragment_run:
            if in_fragment and child.run_id != run_id:
                del node.children[index]
                continue
            if child.fragment_id in fragment_ids and child.run_id == run_id:
                inside = True
        elif child.run_id != run_id:
            del node.children[index]
            continue
        _clear_stale(child, run_id, fragment_ids, inside)


# -- widgets --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Widget:
    id: str
    kind: str  # the element type: slider, radio, button_group, button, file_uploader, ...
    label: str
    key: str | None  # the user's key, read from the id ("$$ID-<hash>-<key>")
    fragment_id: str  # non-empty inside an st.fragment: a change reruns only the fragment
    proto: Any  # the element's own message (Slider, Radio, ...)

    @property
    def options(self) -> list[str]:
        if self.kind == "button_group":
            return [option.content for option in self.proto.options]
        return list(getattr(self.proto, "options", ()))

    @property
    def is_select_slider(self) -> bool:
        return self.kind == "slider" and self.proto.type == Slider.Type.SELECT_SLIDER


def _proto_value(widget: Widget, current: bool) -> Any:
    """The value the frontend gives a widget from its proto: the current one (sent with
    set_value) or the default. None means no value."""
    proto, kind, options = widget.proto, widget.kind, widget.options
    if kind in ("radio", "selectbox"):
        if current:
            return proto.raw_value if proto.HasField("raw_value") else None
        return options[proto.default] if proto.HasField("default") and options else None
    if kind == "slider":
        if widget.is_select_slider:  # indices in `default`, labels in `raw_value`
            indices = [int(i) for i in proto.default]
            if current and proto.raw_value:
                indices = [
                    options.index(v) if v in options else (indices[r] if r < len(indices) else 0)
                    for r, v in enumerate(proto.raw_value)
                ]
            return [options[i] if 0 <= i < len(options) else "" for i in indices]
        return list(proto.value if current else proto.default)
    if kind in ("multiselect", "button_group"):
        if current:
            return list(proto.raw_values)
        return [options[i] for i in proto.default if 0 <= i < len(options) and options[i]]
    if kind == "checkbox":
        return proto.value if current else proto.default
    if kind in ("number_input", "text_input", "text_area"):
        if current and proto.HasField("value"):
            return proto.value
        return proto.default if proto.HasField("default") else None
    raise UnsupportedWidget(f"no value rule for a {kind} widget ({widget.id})")


def _widget_state(widget: Widget, value: Any) -> WidgetState:
    """The WidgetState the frontend sends for this value (None: the id alone)."""
    state = WidgetState(id=widget.id)
    if value is None:
        return state
    kind = widget.kind
    if kind in ("radio", "selectbox", "text_input", "text_area"):
        state.string_value = str(value)
    elif kind == "checkbox":
        state.bool_value = bool(value)
    elif kind == "number_input":
        if widget.proto.data_type == NumberInput.DataType.INT:
            state.int_value = int(value)
        else:
            state.double_value = float(value)
    elif kind == "slider" and widget.is_select_slider:
        state.string_array_value.data.extend(str(v) for v in value)
    elif kind == "slider":
        state.double_array_value.data.extend(float(v) for v in value)
    elif kind in ("multiselect", "button_group"):
        state.string_array_value.data.extend(str(v) for v in value)
    else:
        raise UnsupportedWidget(f"cannot set a {kind} widget ({widget.id})")
    return state


def _user_value(widget: Widget, value: Any) -> Any:
    """A value as the user gives it (an option label, a number, a list for a range) in the
    form _widget_state takes; checks options like the widget would let a user."""
    kind, options = widget.kind, widget.options
    if kind == "slider" or kind in ("multiselect", "button_group"):
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        if options and any(v not in options for v in values):
            raise ValueError(f"{widget.label!r} has no option {value!r}; options: {options[:8]}…")
        return values
    if kind in ("radio", "selectbox") and value not in options:
        raise ValueError(f"{widget.label!r} has no option {value!r}; options: {options}")
    return value


# -- the forward-message cache ------------------------------------------------------------------


@dataclass
class _Cached:
    data: bytes
    run_count: int
    fragment_id: str


class ForwardMsgCache:
    """The frontend's ForwardMessageCache: keeps cacheable messages, resolves references."""

    def __init__(self) -> None:
        self._messages: dict[str, _Cached] = {}
        self._run_count = 0

    def hashes(self) -> list[str]:
        return list(self._messages)

    def process(self, msg: ForwardMsg, data: bytes) -> ForwardMsg:
        """Keep msg if cacheable; return the message a reference stands for."""
        if msg.WhichOneof("type") != "ref_hash":
            if msg.metadata.cacheable:
                cached = self._messages.get(msg.hash)
                if cached is None:
                    self._messages[msg.hash] = _Cached(data, self._run_count, msg.delta.fragment_id)
                else:
                    cached.run_count = self._run_count
            return msg
        cached = self._messages.get(msg.ref_hash)
        if cached is None:
            raise ProtocolError(f"the server referred to a message not cached: {msg.ref_hash}")
        cached.run_count = self._run_count
        full = ForwardMsg()
        full.ParseFromString(cached.data)
        full.metadata.CopyFrom(msg.metadata)
        return full

    def run_finished(self, max_age: int, fragment_ids: Sequence[str]) -> None:
        """Age every message (a fragment run ages only its own) and drop the expired."""
        self._run_count += 1
        for digest, cached in list(self._messages.items()):
            if fragment_ids and (not cached.fragment_id or cached.fragment_id not in fragment_ids):
                continue
            if self._run_count - cached.run_count > max_age:
                del self._messages[digest]


# -- the client -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunResult:
    """What one action caused: a finished script run (or fragment run)."""

    seconds: float  # first BackMsg sent → script_finished received
    status: str  # FINISHED_SUCCESSFULLY, FINISHED_FRAGMENT_RUN_SUCCESSFULLY, ...
    exceptions: tuple[str, ...]  # "Type: message" of each exception element of the run
    messages: int  # ForwardMsgs received for it
    bytes: int


@dataclass
class _Run:
    run_id: str = ""
    fragment_ids: tuple[str, ...] = ()
    exceptions: list[str] = field(default_factory=list)


@dataclass
class _Waiter:
    future: asyncio.Future
    started: float
    messages: int = 0
    bytes: int = 0
    run_seen: bool = False  # a new_session arrived after the request: the run is ours


class StreamlitClient:
    """One session of a Streamlit app over its websocket, as a browser tab holds it."""

    def __init__(self, url: str, *, timeout: float = 30.0, context: dict | None = None) -> None:
        parts = urlsplit(url)
        self.url = f"{parts.scheme}://{parts.netloc}"
        self.timeout = timeout
        self.context = ContextInfo(**{**DEFAULT_CONTEXT, **(context or {})}, url=self.url + "/")
        self.session_id = ""
        self.query_string = ""
        self.page_script_hash = ""
        self.xsrf = ""
        self.root = _new_root()
        # Everything sent, in order, and the handshake and uploads (tests compare them with a
        # browser's).
        self.sent: list[BackMsg] = []
        self.handshake: dict[str, Any] = {}
        self.puts: list[dict[str, Any]] = []
        self.received_messages = 0
        self.received_bytes = 0
        self._states: dict[str, WidgetState] = {}
        self._cache = ForwardMsgCache()
        self._max_cached_age = 2
        self._run = _Run()
        self._new_session_since_rerun = False
        self._waiter: _Waiter | None = None
        self._file_urls: dict[str, asyncio.Future] = {}
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task | None = None
        self._failure: BaseException | None = None
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    # -- HTTP ------------------------------------------------------------------------------------

    def _http_sync(self, method: str, path: str, body: bytes | None, headers: dict) -> tuple:
        request = urllib.request.Request(self.url + path, data=body, method=method)
        for name, value in headers.items():
            request.add_header(name, value)
        if self.xsrf and "Cookie" not in headers:
            request.add_header("Cookie", f"{XSRF_COOKIE}={self.xsrf}")
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    async def _http(self, method: str, path: str, body: bytes | None = None, **headers: str):
        status, response_headers, content = await asyncio.to_thread(
            self._http_sync, method, path, body, headers
        )
        for cookie in response_headers.get_all("Set-Cookie") or ():
            name, _, rest = cookie.partition("=")
            if name.strip() == XSRF_COOKIE:
                self.xsrf = rest.split(";", 1)[0].strip()
        return status, content

    async def fetch(self, paths: Sequence[str], parallel: int = 6) -> int:
        """GET these paths (say, the page's static files), `parallel` at a time as a browser
        does per host, with Chromium's Accept-Encoding (streamlit 1.67 sends its bundle
        uncompressed all the same); return the bytes received."""
        gate = asyncio.Semaphore(parallel)

        async def get(path: str) -> int:
            async with gate:
                status, content = await self._http("GET", path, **ACCEPT_ENCODING)
            if status != 200:
                raise ProtocolError(f"GET {path} answered {status}")
            return len(content)

        return sum(await asyncio.gather(*(get(path) for path in paths)))

    # -- connection ------------------------------------------------------------------------------

    async def open(self, query: str = "") -> RunResult:
        """Connect as the page does and run the script once with this query string."""
        for path in ("/_stcore/health", "/_stcore/host-config"):
            status, _ = await self._http("GET", path)
            if status != 200:
                raise ProtocolError(f"GET {path} answered {status}")
        subprotocols = [
            Subprotocol(SUBPROTOCOL),
            Subprotocol(self.xsrf or "PLACEHOLDER_AUTH_TOKEN"),
        ]
        headers = {"Cookie": f"{XSRF_COOKIE}={self.xsrf}"} if self.xsrf else {}
        self._ws = await connect(
            self.url.replace("http", "ws", 1) + "/_stcore/stream",
            origin=Origin(self.url),
            subprotocols=subprotocols,
            additional_headers=headers,
            max_size=None,  # Streamlit's own limit is server.maxMessageSize (200 MB)
            ping_interval=None,  # the page sends no pings
            proxy=None,
            open_timeout=self.timeout,
        )
        self.handshake = {
            "subprotocols": list(subprotocols),
            "selected": self._ws.subprotocol,
            "headers": dict(self._ws.request.headers) if self._ws.request else {},
        }
        self._reader = asyncio.create_task(self._read(), name="streamlit-client-reader")
        self.query_string = query.lstrip("?")
        return await self._rerun()

    async def close(self) -> None:
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    async def __aenter__(self) -> StreamlitClient:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def _send(self, msg: BackMsg) -> None:
        if self._failure is not None:
            raise ProtocolError(f"the session has failed: {self._failure!r}") from self._failure
        if self._ws is None:
            raise ProtocolError("not connected: call open() first")
        self.sent.append(msg)
        await self._ws.send(msg.SerializeToString())

    # -- reading the server's messages -------------------------------------------------------------

    async def _read(self) -> None:
        assert self._ws is not None
        try:
            async for data in self._ws:
                if isinstance(data, str):
                    raise ProtocolError("the server sent a text frame")
                self._handle(data)
        except ConnectionClosed as closed:
            self._fail(ConnectionError(f"the server closed the websocket: {closed}"))
        except Exception as error:  # a bug or an unexpected message: fail the session loudly
            self._fail(error)
        else:
            self._fail(ConnectionError("the server closed the websocket"))

    def _fail(self, error: BaseException) -> None:
        self._failure = error
        futures = list(self._file_urls.values())
        if self._waiter is not None:
            futures.append(self._waiter.future)
        for future in futures:
            if not future.done():
                future.set_exception(error)

    def _handle(self, data: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(data)
        self.received_messages += 1
        self.received_bytes += len(data)
        waiter = self._waiter
        if waiter is not None:
            waiter.messages += 1
            waiter.bytes += len(data)
        msg = self._cache.process(msg, data)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self._new_session(msg)
        elif kind == "delta":
            self._delta(msg)
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "script_finished":
            self._script_finished(msg)
        elif kind == "file_urls_response":
            future = self._file_urls.pop(msg.file_urls_response.response_id, None)
            if future is not None and not future.done():
                future.set_result(msg.file_urls_response)
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            error = msg.session_event.script_compilation_exception
            self._run.exceptions.append(f"{error.type}: {error.message}")

    def _new_session(self, msg: ForwardMsg) -> None:
        session = msg.new_session
        self.session_id = session.initialize.session_id or self.session_id
        self.page_script_hash = session.page_script_hash
        self._max_cached_age = session.config.max_cached_message_age
        self._run = _Run(msg.metadata.run.script_run_id, tuple(msg.metadata.run.fragment_ids))
        self._new_session_since_rerun = True
        if self._waiter is not None:
            self._waiter.run_seen = True

    def _delta(self, msg: ForwardMsg) -> None:
        delta = msg.delta
        kind = delta.WhichOneof("type")
        path = tuple(msg.metadata.delta_path)
        if kind not in ("new_element", "add_block") or not path:
            return  # transient elements (spinners) are not part of the page
        node = Node(fragment_id=delta.fragment_id, run_id=self._run.run_id, path=path)
        if kind == "add_block":
            node.block = delta.add_block
        else:
            node.element = delta.new_element
            if node.kind == "exception":
                error = delta.new_element.exception
                self._run.exceptions.append(f"{error.type}: {error.message}")
            widget = self._as_widget(node)
            if widget is not None:
                self._register(widget)
        _set_node(self.root, path, node)

    def _script_finished(self, msg: ForwardMsg) -> None:
        status = msg.script_finished
        run = msg.metadata.run if msg.metadata.HasField("run") else None
        if run is not None and status in _RUN_DONE:
            # clearStaleNodes, then removeInactiveWidgetState
            fragment_ids = tuple(run.fragment_ids)
            if fragment_ids or run.script_run_id == self._run.run_id:
                _clear_stale(self.root, run.script_run_id, fragment_ids, False)
            active = {w.id for w in self.widgets()}
            self._states = {i: s for i, s in self._states.items() if i in active}
        if (
            run is not None
            and status != _FINISHED.FINISHED_EARLY_FOR_RERUN
            and self._new_session_since_rerun
        ):
            self._cache.run_finished(self._max_cached_age, tuple(run.fragment_ids))
        waiter = self._waiter
        if (
            waiter is not None
            and waiter.run_seen
            and status != _FINISHED.FINISHED_EARLY_FOR_RERUN
            and not waiter.future.done()
        ):
            waiter.future.set_result(
                RunResult(
                    seconds=time.perf_counter() - waiter.started,
                    status=_FINISHED.Name(status),
                    exceptions=tuple(self._run.exceptions),
                    messages=waiter.messages,
                    bytes=waiter.bytes,
                )
            )

    # -- widget states -----------------------------------------------------------------------------

    @staticmethod
    def _as_widget(node: Node) -> Widget | None:
        kind = node.kind
        if node.element is None or (kind not in _STATEFUL | _TRIGGERS | _UNSUPPORTED):
            return None
        proto = getattr(node.element, kind)
        match = _KEY.match(proto.id)
        return Widget(
            id=proto.id,
            kind=kind,
            label=getattr(proto, "label", ""),
            key=match.group(1) if match else None,
            fragment_id=node.fragment_id,
            proto=proto,
        )

    def _register(self, widget: Widget) -> None:
        """A widget element arrived: give it its first value, or the one set_value sends."""
        if widget.kind in _TRIGGERS | _UNSUPPORTED:
            return  # no state; _check_supported refuses to rerun a page with the latter
        if widget.kind == "file_uploader":
            if widget.id not in self._states:
                state = WidgetState(id=widget.id)
                state.file_uploader_state_value.SetInParent()
                self._states[widget.id] = state
            return
        if widget.id not in self._states:
            self._states[widget.id] = _widget_state(
                widget, _proto_value(widget, current=widget.proto.set_value)
            )
        elif widget.proto.set_value:
            self._states[widget.id] = _widget_state(widget, _proto_value(widget, current=True))

    def _check_supported(self) -> None:
        """Refuse to send states unlike a browser's: the page holds one this client lacks."""
        for node in self.root.walk():
            kind = node.kind
            if node.element is None:
                continue
            if kind in _UNSUPPORTED or (
                kind in _SELECTABLE
                and list(getattr(getattr(node.element, kind), "selection_mode", ()))
            ):
                raise UnsupportedWidget(
                    f"the page shows a {kind} with a widget state this client does not model"
                )

    def widget_states(self) -> list[WidgetState]:
        """The states a rerun sends now (copies)."""
        return [WidgetState.FromString(s.SerializeToString()) for s in self._states.values()]

    def value(self, widget: Widget) -> Any:
        """The widget's current value, in the form set_value takes."""
        state = self._states.get(widget.id)
        kind = state.WhichOneof("value") if state is not None else None
        if kind is None:
            return None
        value = getattr(state, kind)
        if kind in ("string_array_value", "double_array_value", "int_array_value"):
            return list(value.data)
        return value

    # -- actions -----------------------------------------------------------------------------------

    async def _rerun(
        self,
        fragment_id: str = "",
        triggers: Sequence[WidgetState] = (),
        started: float | None = None,
    ) -> RunResult:
        self._check_supported()
        msg = BackMsg()
        client_state = msg.rerun_script
        client_state.query_string = self.query_string
        client_state.widget_states.SetInParent()
        client_state.widget_states.widgets.extend([*self._states.values(), *triggers])
        client_state.page_script_hash = self.page_script_hash
        client_state.fragment_id = fragment_id
        client_state.cached_message_hashes.extend(self._cache.hashes())
        client_state.context_info.CopyFrom(self.context)
        self._new_session_since_rerun = False
        return await self._request(msg, started)

    async def _request(self, msg: BackMsg, started: float | None = None) -> RunResult:
        loop = asyncio.get_running_loop()
        waiter = _Waiter(loop.create_future(), started or time.perf_counter())
        self._waiter = waiter
        try:
            await self._send(msg)
            return await asyncio.wait_for(waiter.future, self.timeout)
        finally:
            self._waiter = None

    async def rerun(self) -> RunResult:
        """Rerun the script with the current states (the page's "Rerun")."""
        return await self._rerun()

    async def set_value(self, widget: Widget | str, value: Any) -> RunResult:
        """Change a widget as its user would (an option's label for option widgets, a number,
        a list for a range slider or a multiselect) and wait for the rerun."""
        widget = self._find(widget)
        self._states[widget.id] = _widget_state(widget, _user_value(widget, value))
        return await self._rerun(widget.fragment_id)

    async def step_option(self, widget: Widget | str, steps: int) -> RunResult | None:
        """Move a select_slider by `steps` options, as arrow keys do; None if already at the
        end (a key press there changes nothing and sends nothing)."""
        widget = self._find(widget)
        options, current = widget.options, self.value(widget)
        index = options.index(current[0])
        target = min(max(index + steps, 0), len(options) - 1)
        if target == index:
            return None
        return await self.set_value(widget, options[target])

    async def click(self, widget: Widget | str) -> RunResult:
        """Click a button: its trigger is sent once, with every other state."""
        widget = self._find(widget)
        if widget.kind not in _TRIGGERS:
            raise ValueError(f"{widget.label!r} is a {widget.kind}, not a button")
        return await self._rerun(
            widget.fragment_id, [WidgetState(id=widget.id, trigger_value=True)]
        )

    async def upload(
        self, widget: Widget | str, name: str, content: bytes, mime: str = "text/csv"
    ) -> RunResult:
        """Put one file into a file uploader as the page does, and wait for the rerun."""
        widget = self._find(widget)
        if widget.kind != "file_uploader":
            raise ValueError(f"{widget.label!r} is a {widget.kind}, not a file uploader")
        started = time.perf_counter()
        request = BackMsg()
        request.file_urls_request.request_id = str(uuid.uuid4())
        request.file_urls_request.file_names.append(name)
        request.file_urls_request.session_id = self.session_id
        future: asyncio.Future[FileURLsResponse] = asyncio.get_running_loop().create_future()
        self._file_urls[request.file_urls_request.request_id] = future
        await self._send(request)
        response = await asyncio.wait_for(future, self.timeout)
        if response.error_msg or not response.file_urls:
            raise ProtocolError(f"no upload URL for {name!r}: {response.error_msg}")
        urls = response.file_urls[0]
        await self._put(urls.upload_url, name, content, mime)
        info = UploadedFileInfo(name=name, size=len(content), file_id=urls.file_id)
        info.file_urls.CopyFrom(urls)
        state = WidgetState(id=widget.id)
        state.file_uploader_state_value.uploaded_file_info.append(info)
        self._states[widget.id] = state
        return await self._rerun(widget.fragment_id, started=started)

    async def _put(self, path: str, name: str, content: bytes, mime: str) -> None:
        # The page's FormData: one part, named after the file, carrying the file.
        boundary = f"----StreamlitClientBoundary{uuid.uuid4().hex}"
        quoted = name.replace('"', "%22")
        body = (
            (
                f"--{boundary}\r\n"
                f'Content-Disposition: form-data; name="{quoted}"; filename="{quoted}"\r\n'
                f"Content-Type: {mime}\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Origin": self.url,
            **(
                {"Cookie": f"{XSRF_COOKIE}={self.xsrf}", "X-Xsrftoken": self.xsrf}
                if self.xsrf
                else {}
            ),
        }
        self.puts.append({"path": path, "headers": headers, "body": body})
        status, answer = await self._http("PUT", path, body, **headers)
        if status not in (200, 204):
            raise ProtocolError(f"upload of {name!r} answered {status}: {answer[:200]!r}")

    # -- reading the page --------------------------------------------------------------------------

    def elements(self, kind: str | None = None) -> list[Node]:
        """The page's elements (not blocks) in page order, main area first."""
        return [
            node
            for node in self.root.walk()
            if node.element is not None and (kind is None or node.kind == kind)
        ]

    def widgets(self) -> list[Widget]:
        return [w for w in map(self._as_widget, self.elements()) if w is not None]

    def widget(self, key: str | None = None, label: str | None = None) -> Widget:
        """The widget with this key (or, failing a key, this label)."""
        found = [
            w
            for w in self.widgets()
            if (key is None or w.key == key) and (label is None or w.label == label)
        ]
        if len(found) != 1:
            names = [(w.kind, w.key or w.label) for w in self.widgets()]
            raise LookupError(
                f"{len(found)} widgets with key={key!r} label={label!r}; the page has {names}"
            )
        return found[0]

    def _find(self, widget: Widget | str) -> Widget:
        """The widget as on the page now (its proto may have changed since it was looked up)."""
        key = widget if isinstance(widget, str) else widget.key
        if key is not None:
            return self.widget(key=key)
        assert isinstance(widget, Widget)
        return self.widget(label=widget.label)

    def chart_specs(self) -> dict[str, str]:
        """Plotly figures on the page, title (tags stripped) → the spec JSON as received."""
        specs = {}
        for node in self.elements("plotly_chart"):
            spec = node.element.plotly_chart.spec
            specs.setdefault(chart_title(json.loads(spec)), spec)
        return specs

    def chart(self, title_start: str) -> dict | None:
        """The first plotly figure whose title starts with title_start, parsed; or None."""
        for node in self.elements("plotly_chart"):
            figure = json.loads(node.element.plotly_chart.spec)
            if chart_title(figure).startswith(title_start):
                return figure
        return None


def chart_title(figure: dict) -> str:
    title = figure.get("layout", {}).get("title", {})
    text = title.get("text", "") if isinstance(title, dict) else str(title)
    return _TAGS.sub("", text or "")


def plotly_values(values: Any) -> list:
    """A plotly JSON array as a flat list: plain lists as they are, plotly 6+ typed arrays
    ({"dtype": "f8", "bdata": <base64>, "shape": ...}) decoded."""
    if isinstance(values, dict) and "bdata" in values:
        import numpy as np  # only here: the client itself does not need numpy

        array = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
        return array.ravel().tolist()
    return list(values) if values is not None else []
