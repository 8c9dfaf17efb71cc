"""benchmarks/streamlit_client.py against a real browser: the same messages, the same answers.

benchmarks/load_classroom.py measures the server with protocol clients instead of browsers,
which is only fair if a protocol client asks exactly what a browser asks. Here one headless
Chromium session and one protocol session do the same short lesson on the same server, step
by step (open the shared link, α right and back left, two clicks of the inspector's "next",
the Sweep section and back, the "Upload a CSV" source, an upload), and after every step:

(a) what was sent: every BackMsg the browser's websocket sent during the step (Playwright's
    frame events, decoded with streamlit.proto) equals the client's, field by field: the
    query string, every widget state (id, value and its type), the page script hash, the
    fragment id, the forward-message cache's hashes, the browser context; the file upload's
    request, PUT (headers and multipart body) and uploader state. The only differences allowed
    are the session's own ids (session, uploaded file, upload request) and the order of the
    widget states: the page registers them as its lazily loaded widget components mount, and
    the server reads them into a dict by id. The websocket handshake (subprotocols, XSRF
    cookie, Origin) is compared too;
(b) what came back: the charts on the page have the same titles in the same order; each
    chart's plotly spec as the client holds it is the one the browser received, and its
    traces' names, x and y and its annotations are what the browser drew (the live figure's
    _fullData).

And one protocol session runs benchmarks/load_classroom.py's whole lesson without an error.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from google.protobuf.json_format import MessageToDict
from playwright.sync_api import Browser, Page

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import browser  # noqa: E402  (tests/browser.py)
import load_classroom as lc  # noqa: E402  (benchmarks/load_classroom.py)
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit_client import StreamlitClient, chart_title, plotly_values  # noqa: E402

pytestmark = pytest.mark.browser

CSV = b"hours,score\n1,5.2\n2,7.1\n3,9.5\n4,10.8\n"
CSV_X = [1.0, 2.0, 3.0, 4.0]
CSV_NAME = "lesson.csv"
TIMEOUT = 60.0


class LoopThread:
    """An asyncio loop in a thread of its own: Playwright's sync API owns this one's loop."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine, timeout: float = TIMEOUT):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        self.run(self.loop.shutdown_default_executor())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@dataclass
class BrowserSession:
    """A browser tab with everything its websocket and its uploads carried."""

    page: Page
    sent: list[BackMsg] = field(default_factory=list)
    received: list[ForwardMsg] = field(default_factory=list)
    handshake: dict = field(default_factory=dict)
    puts: list[dict] = field(default_factory=list)

    def first(self, kind: str) -> ForwardMsg:
        return next(m for m in self.received if m.WhichOneof("type") == kind)

    def runs_finished(self) -> int:
        return sum(m.WhichOneof("type") == "script_finished" for m in self.received)

    def settle(self, finished_before: int) -> None:
        """Wait until Playwright has delivered the frames of the step's run: its
        script_finished is the run's last frame, and one socket's events come in order."""
        deadline = time.monotonic() + TIMEOUT
        while self.runs_finished() <= finished_before:
            assert time.monotonic() < deadline, "the browser's frames never arrived"
            self.page.wait_for_timeout(50)

    def specs(self) -> dict[str, str]:
        """The last plotly spec received for each chart title (references resolved)."""
        by_hash: dict[str, str] = {}
        specs: dict[str, str] = {}
        for msg in self.received:
            if msg.WhichOneof("type") == "ref_hash":
                spec = by_hash.get(msg.ref_hash)
            elif msg.delta.new_element.WhichOneof("type") == "plotly_chart":
                spec = by_hash[msg.hash] = msg.delta.new_element.plotly_chart.spec
            else:
                continue
            if spec is not None:
                specs[chart_title(json.loads(spec))] = spec
        return specs


@dataclass
class Step:
    name: str
    browser_sent: list[BackMsg]
    client_sent: list[BackMsg]
    titles: list[str]  # the charts the browser drew, in page order
    drawn: dict[str, dict]  # title → the live figure (tests/browser.py's chart_state)
    browser_specs: dict[str, str]  # title → the spec the browser last received
    client_specs: dict[str, str]  # title → the spec the client holds


def open_browser(chromium: Browser, url: str) -> BrowserSession:
    context = chromium.new_context(viewport=browser.VIEWPORT)
    context.set_default_timeout(TIMEOUT * 1000)
    page = context.new_page()
    session = BrowserSession(page)

    def on_websocket(ws) -> None:
        ws.on("framesent", lambda payload: session.sent.append(BackMsg.FromString(payload)))
        ws.on(
            "framereceived", lambda payload: session.received.append(ForwardMsg.FromString(payload))
        )

    def on_upload(route) -> None:
        request = route.request
        session.puts.append(
            {"path": request.url[len(url) :], "headers": request.headers,
             "body": request.post_data_buffer}
        )  # fmt: skip
        route.continue_()

    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on(
        "Network.webSocketWillSendHandshakeRequest",
        lambda event: session.handshake.update(event["request"]["headers"]),
    )
    page.on("websocket", on_websocket)
    page.route("**/_stcore/upload_file/**", on_upload)
    return session


def wait_for_x(page: Page, title_start: str, xs: list[float]) -> None:
    page.wait_for_function(
        f"""([prefix, xs]) => {{
            const gd = ({browser.FIND_CHART_JS})(prefix);
            return !!gd && !!gd._fullData[0]
                && JSON.stringify(Array.from(gd._fullData[0].x, Number)) === JSON.stringify(xs);
        }}""",
        arg=[title_start, xs],
        timeout=TIMEOUT * 1000,
    )


def browser_steps(session: BrowserSession, url: str):
    """The lesson in the browser: (name, action that returns once the page shows its result)."""
    page = session.page
    alpha = page.get_by_role("slider", name=lc.ALPHA)
    section = page.locator(f".st-key-{lc.SECTION_KEY}")

    def opened() -> None:
        page.goto(url + lc.LINK)
        browser.wait_for_titled_charts(page, lc.COST_CURVE, lc.DATA, lc.HISTORY, timeout=TIMEOUT)
        browser.wait_for_idle(page, timeout=TIMEOUT)

    def rerun_changing(title_start: str, do) -> None:
        before = browser.chart_signature(page, title_start)
        with browser.rerun(page, timeout=TIMEOUT):
            do()
        browser.wait_for_change(page, title_start, before, timeout=TIMEOUT)

    def rerun_showing(do, *title_starts: str) -> None:
        with browser.rerun(page, timeout=TIMEOUT):
            do()
        browser.wait_for_titled_charts(page, *title_starts, timeout=TIMEOUT)

    def upload_source() -> None:
        with browser.rerun(page, timeout=TIMEOUT):
            page.locator(browser.SIDEBAR).get_by_text(lc.UPLOAD_SOURCE, exact=True).click()
        page.wait_for_selector(lc.UPLOADER, state="attached")

    def uploaded() -> None:
        file = {"name": CSV_NAME, "mimeType": "text/csv", "buffer": CSV}
        with browser.rerun(page, timeout=TIMEOUT):
            page.locator(lc.UPLOADER).set_input_files(file)
        wait_for_x(page, lc.DATA, CSV_X)

    next_button = page.locator(f".st-key-{lc.NEXT_KEY} button")
    return [
        ("open", opened),
        ("α right", lambda: rerun_changing(lc.HISTORY, lambda: alpha.press("ArrowRight"))),
        ("α left", lambda: rerun_changing(lc.HISTORY, lambda: alpha.press("ArrowLeft"))),
        ("next", lambda: rerun_changing(lc.COST_CURVE, next_button.click)),
        ("next again", lambda: rerun_changing(lc.COST_CURVE, next_button.click)),
        ("sweep", lambda: rerun_showing(
            section.get_by_role("radio", name=lc.SECTION_SWEEP).click, lc.SWEEP)),
        ("step by step", lambda: rerun_showing(
            section.get_by_role("radio", name=lc.SECTION_STEP).click, lc.COST_CURVE, lc.DATA)),
        ("upload source", upload_source),
        ("upload", uploaded),
    ]  # fmt: skip


def client_steps(client: StreamlitClient):
    """The same lesson through the protocol: (name, coroutine function)."""
    return [
        ("open", lambda: client.open(lc.LINK_QUERY)),
        ("α right", lambda: client.step_option(client.widget(label=lc.ALPHA), 1)),
        ("α left", lambda: client.step_option(client.widget(label=lc.ALPHA), -1)),
        ("next", lambda: client.click(lc.NEXT_KEY)),
        ("next again", lambda: client.click(lc.NEXT_KEY)),
        ("sweep", lambda: client.set_value(lc.SECTION_KEY, lc.SECTION_SWEEP)),
        ("step by step", lambda: client.set_value(lc.SECTION_KEY, lc.SECTION_STEP)),
        ("upload source", lambda: client.set_value(lc.SOURCE_KEY, lc.UPLOAD_SOURCE)),
        ("upload", lambda: client.upload(lc.UPLOAD_KEY, CSV_NAME, CSV, "text/csv")),
    ]


@dataclass
class SideBySide:
    steps: list[Step]
    browser: BrowserSession
    client: StreamlitClient
    results: list  # the client's RunResult per step


@pytest.fixture(scope="module")
def lesson(server: str, chromium: Browser) -> Iterator[SideBySide]:
    session = open_browser(chromium, server)
    loop = LoopThread()
    client = StreamlitClient(server, timeout=TIMEOUT)
    steps, results = [], []
    try:
        for (name, in_browser), (same_name, in_client) in zip(
            browser_steps(session, server), client_steps(client), strict=True
        ):
            assert name == same_name
            sent_before, finished_before = len(session.sent), session.runs_finished()
            in_browser()
            session.settle(finished_before)
            client_before = len(client.sent)
            results.append(loop.run(in_client()))
            titles = browser.chart_titles(session.page)
            steps.append(
                Step(
                    name,
                    session.sent[sent_before:],
                    client.sent[client_before:],
                    titles,
                    {t: browser.chart_state(session.page, t) for t in titles},
                    session.specs(),
                    client.chart_specs(),
                )
            )
        yield SideBySide(steps, session, client, results)
    finally:
        loop.run(client.close())
        loop.close()
        session.page.context.close()


# -- (a) the same messages ------------------------------------------------------------------------


def own_ids(session_id: str, puts: list[dict]) -> dict[str, str]:
    """A session's own ids (its session, the uploaded file's), to be replaced by placeholders:
    the upload URL is /_stcore/upload_file/<session>/<file>, as the server answered."""
    ids = {session_id: "<session>"}
    for put in puts:
        upload_session, file_id = put["path"].rsplit("/", 2)[-2:]
        assert upload_session == session_id
        ids[file_id] = "<file>"
    return ids


def comparable(msg: BackMsg, ids: dict[str, str]) -> dict:
    """Every field of a BackMsg, widget states keyed by id, own ids replaced."""
    text = json.dumps(MessageToDict(msg, preserving_proto_field_name=True), ensure_ascii=False)
    for real, placeholder in ids.items():
        text = text.replace(real, placeholder)
    fields = json.loads(text)
    if "rerun_script" in fields:
        states = fields["rerun_script"].get("widget_states")
        if states is not None:
            fields["rerun_script"]["widget_states"] = {
                w["id"]: w for w in states.get("widgets", [])
            }
    if "file_urls_request" in fields:
        request_id = fields["file_urls_request"]["request_id"]
        assert str(uuid.UUID(request_id)) == request_id
        fields["file_urls_request"]["request_id"] = "<request>"
    return fields


def test_every_step_sends_the_same_backmsgs(lesson: SideBySide) -> None:
    browser_ids = own_ids(lesson.browser.first("new_session").new_session.initialize.session_id,
                          lesson.browser.puts)  # fmt: skip
    client_ids = own_ids(lesson.client.session_id, lesson.client.puts)
    assert "<file>" in browser_ids.values() and "<file>" in client_ids.values()
    for step in lesson.steps:
        kinds = [m.WhichOneof("type") for m in step.browser_sent]
        assert kinds == [m.WhichOneof("type") for m in step.client_sent], step.name
        expected = "file_urls_request rerun_script" if step.name == "upload" else "rerun_script"
        assert " ".join(kinds) == expected, step.name
        for sent_by_browser, sent_by_client in zip(
            step.browser_sent, step.client_sent, strict=True
        ):
            assert comparable(sent_by_client, client_ids) == comparable(
                sent_by_browser, browser_ids
            ), step.name


def test_the_lesson_exercises_what_the_comparison_claims(lesson: SideBySide) -> None:
    """The steps cover every part of the protocol compared above (else a pass proves less)."""
    reruns = {s.name: s.client_sent[-1].rerun_script for s in lesson.steps}
    assert reruns["open"].query_string == lc.LINK_QUERY and not reruns["open"].widget_states.widgets
    assert len(reruns["α right"].widget_states.widgets) >= 10  # all states, not one
    assert reruns["next"].fragment_id and not reruns["α right"].fragment_id
    assert any(w.trigger_value for w in reruns["next"].widget_states.widgets)
    assert reruns["next again"].query_string != reruns["next"].query_string  # k=1 from the page
    assert all(len(r.cached_message_hashes) for name, r in reruns.items() if name != "open")
    uploader = [w for w in reruns["upload"].widget_states.widgets
                if w.WhichOneof("value") == "file_uploader_state_value"]  # fmt: skip
    assert [f.name for f in uploader[0].file_uploader_state_value.uploaded_file_info] == [CSV_NAME]
    # Back to α = 0.002: the server sent the cost curve again as a reference to the cached one.
    assert any(m.WhichOneof("type") == "ref_hash" for m in lesson.browser.received)
    assert all(r.status.startswith("FINISHED") and not r.exceptions for r in lesson.results)


def test_the_websocket_handshake_is_the_browsers(lesson: SideBySide, server: str) -> None:
    seen = {k.lower(): v for k, v in lesson.browser.handshake.items()}
    mine = {k.lower(): v for k, v in lesson.client.handshake["headers"].items()}
    for headers in (seen, mine):
        protocols = [p.strip() for p in headers["sec-websocket-protocol"].split(",")]
        cookie = headers["cookie"].split("_streamlit_xsrf=", 1)[1].split(";")[0]
        assert protocols == ["streamlit", cookie]  # no third entry: no session to resume
        assert headers["origin"] == server
    assert lesson.client.handshake["selected"] == "streamlit"


def test_the_upload_is_put_as_the_browser_puts_it(lesson: SideBySide, server: str) -> None:
    (seen,) = lesson.browser.puts
    (mine,) = lesson.client.puts
    for put in (seen, mine):
        headers = {k.lower(): v for k, v in put["headers"].items()}
        cookie = headers["cookie"].split("_streamlit_xsrf=", 1)[1].split(";")[0]
        assert headers["x-xsrftoken"] == cookie  # the XSRF check: header and cookie agree
        assert headers["origin"] == server
        assert headers["content-type"].startswith("multipart/form-data; boundary=")

    def parts(put: dict) -> list[bytes]:
        headers = {k.lower(): v for k, v in put["headers"].items()}
        boundary = headers["content-type"].split("boundary=", 1)[1].encode()
        return put["body"].split(b"--" + boundary)

    assert parts(mine) == parts(seen)  # the same part headers and content, boundary aside
    assert CSV in mine["body"]


# -- (b) the same answers ------------------------------------------------------------------------


def test_the_client_holds_the_charts_the_browser_received_and_drew(lesson: SideBySide) -> None:
    for step in lesson.steps:
        assert step.titles, step.name
        assert list(step.client_specs) == step.titles, step.name
        for title in step.titles:
            spec = step.client_specs[title]
            assert spec == step.browser_specs[title], (step.name, title)
            figure, drawn = json.loads(spec), step.drawn[title]
            assert chart_title(figure) == drawn["title"], (step.name, title)
            traces = figure["data"]
            assert [t.get("name", "") for t in traces] == drawn["names"], (step.name, title)
            assert [plotly_values(t.get("x")) for t in traces] == drawn["x"], (step.name, title)
            assert [plotly_values(t.get("y")) for t in traces] == drawn["y"], (step.name, title)
            annotations = figure["layout"].get("annotations", [])
            assert [a.get("text", "") for a in annotations] == drawn["annotations"], (
                step.name,
                title,
            )


def test_the_steps_change_the_charts_as_expected(lesson: SideBySide) -> None:
    """The comparison above is of pages that did change: a sanity check of the lesson."""
    by_name = {step.name: step for step in lesson.steps}

    def spec(step: str, title_start: str) -> str | None:
        specs = by_name[step].client_specs
        return next((s for t, s in specs.items() if t.startswith(title_start)), None)

    assert spec("α right", lc.HISTORY) != spec("open", lc.HISTORY)
    assert spec("α left", lc.HISTORY) == spec("open", lc.HISTORY)  # back to α = 0.002
    assert spec("next", lc.COST_CURVE) != spec("α left", lc.COST_CURVE)
    assert spec("sweep", lc.SWEEP) is not None and spec("sweep", lc.COST_CURVE) is None
    data = json.loads(spec("upload", lc.DATA) or "null")
    assert plotly_values(data["data"][0]["x"]) == CSV_X


# -- a whole lesson -----------------------------------------------------------------------------


def test_one_protocol_session_runs_the_whole_classroom_lesson(server: str) -> None:
    loop = LoopThread()
    student = lc.Lesson(index=7)
    try:
        loop.run(
            lc.run_protocol_lesson(
                student,
                server,
                deadline=time.monotonic() + TIMEOUT,
                think=(0.0, 0.0),
                start_delay=0.0,
                action_timeout=TIMEOUT,
                load_timeout=TIMEOUT,
            ),
            timeout=TIMEOUT + 10,
        )
    finally:
        loop.close()
    errors = [(a.kind, a.error) for a in student.actions if a.error]
    assert not errors
    assert student.finished
    kinds = [a.kind for a in student.actions]
    assert kinds == (["load"] + ["alpha"] * lc.ALPHA_CHANGES + ["next"] * lc.NEXT_CLICKS
                     + ["sweep", "step", "source", "upload"])  # fmt: skip
    assert all(a.seconds is not None and a.seconds > 0 for a in student.actions)
