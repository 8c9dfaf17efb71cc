"""A classroom on one server: N students (default 30) run a scripted lesson at the same time.

Run by hand, not in CI (it takes a few minutes and loads both cores):

    .venv/bin/python benchmarks/load_classroom.py                    # 30 sessions
    .venv/bin/python benchmarks/load_classroom.py --sessions 5       # a smaller class
    .venv/bin/python benchmarks/load_classroom.py --mixed 3          # 3 of them real browsers
    .venv/bin/python benchmarks/load_classroom.py --clients browser  # 30 headless Chromiums
    .venv/bin/python benchmarks/load_classroom.py --think 0 0        # no think time (stress)
    .venv/bin/python benchmarks/load_classroom.py --pin              # server alone on CPU 0

What runs: one `streamlit run app.py` on 127.0.0.1 (started by tests/browser.py's
streamlit_server) and one client per student. Nothing leaves the loopback interface. Two kinds
of client run the same lesson:

- protocol (the default): benchmarks/streamlit_client.py speaks Streamlit's own websocket
  protocol as the page does: the same messages (every widget state, the query string, the
  fragment id, the upload flow, the forward-message cache; tests/test_protocol_client.py
  compares them field by field with a real Chromium session's, and the charts the server sends
  back with what that browser drew), and the same static files (the list the teacher's browser
  fetched in the warm-up; --no-assets skips them). All of them run in this process and cost a
  small part of one CPU, so the figures measure the server. This is the default because the
  goals are the server's: 30 real Chromiums need about 5 CPUs at this pace, and on a 2-core
  machine they starve the server they measure (p95 13 s, almost all of it waiting for a CPU).
- browser (--clients browser): headless Debian Chromium through async Playwright, one browser
  context (one Streamlit session) per student, the contexts spread over `--browsers` browser
  processes (default 2): what a student sees, the browser's own work included.
- --mixed K: K of the sessions are browsers, the others protocol clients; the report gives
  both kinds' latencies side by side (see Timing).

The lesson, per student, each step an "action" that is timed and checked:
  0. open the shared link /?dataset=cars&lr=0.002&steps=60 and wait until the cost curve, the
     data chart and the cost history are drawn and the first run has finished ("load", timed
     from navigation start; reported apart from the actions);
  1. ten α changes with the keyboard on the α slider (ArrowRight or ArrowLeft, a random walk
     seeded per student, so students ask for different rates): each waits until the run has
     finished and the cost curve and the cost history show new data;
  2. five clicks on the step inspector's "next" button: each waits for the cost curve of the
     new step (a fragment rerun);
  3. the "Sweep" section: waits until the sweep chart ("Sweep: …") is drawn;
  4. back to "Step by step" (the data chart only shows there): waits for the cost curve;
  5. the "Upload a CSV" source: waits for the rerun;
  6. a small CSV, different for every student (in memory, via set_input_files): waits until
     the data chart's points are the file's x values.
A protocol client sends what the page sends for each step: the α select_slider's next or
previous option (what the arrow key does), the "next" button's trigger with the fragment's
id, the section control set to "Sweep" and back, the source radio set to "Upload a CSV", the
file through file_urls_request and an HTTP PUT. It makes the same checks on the figures the
server sent (a chart's spec differs from before the action; a chart or the uploader is on the
page; the data chart's x are the file's) and draws the same random walk and think times (a
student's random numbers are seeded with its index and drawn in the same order).

Timing: inside each page, a capture listener notes performance.now() at the action's first
keydown, click or change event. On every DOM change (checked at most once per animation
frame, and every 250 ms while an action is pending) the page tests "the expected change is on
screen (a chart's signature, as in tests/browser.py, differs from before the action; or a
chart or element is drawn; or the data chart shows the uploaded x values), the app's run
state is notRunning and nothing is stale". The first time that holds is the update time, so
the figure is "key press or click to updated page" in the page's own clock, without
Playwright's round trips; Playwright awaits a promise that the page resolves then (no polling,
which costs CPU with 30 pages). Unlike tests/browser.py's rerun(), the wait does not require
having seen the run state leave "notRunning": with 5 sessions, runs were seen whose charts
updated while no change of that attribute was ever observed (React apparently applied
"running" and "finished" in one render), and such a wait timed out.
A protocol client times from sending the action's first BackMsg to receiving the
script_finished of the run it caused, after every delta of that run; its "load" runs from its
first HTTP request until the first run has finished with the three charts in it and the static
files are downloaded. A browser's time is that of the protocol plus the browser's own work:
the page handles the run's ~75 websocket frames on its main thread as they arrive, then plotly
draws. With --mixed the report gives the difference of the medians; without load it is the
difference between `--clients browser --sessions 1` and `--sessions 1`.
(Splitting a browser's time at its websocket does not isolate the server: Chromium hands the
frames to the page on that same main thread, and with one session the DevTools timestamps
from the action's first frame sent to its script_finished received were ~100 ms where a
protocol client timed ~27 ms.)

Errors: an action that does not finish within --action-timeout (timeout), a failed Playwright
or protocol call, a failed check, an exception box ([data-testid=stException]; for a protocol
client an exception element) on the page after the action, a lesson not finished by the
global --deadline (default 10 minutes; then every session stops and the figures so far are
reported).

Pacing: real students think between actions; by default every student waits a random 1–3 s
(--think) after each update before the next action, and the students open the link at random
times within the first 15 s (--ramp). `--think 0 0 --ramp 0` is a stress test instead.

Memory: a background thread reads VmRSS of the server process and all its descendants from
/proc/<pid>/status every 0.2 s (psutil is not used); the peak is the highest sum seen. Idle
RSS is read twice: right after the server answered its health check, and after a warm-up
page (the teacher opens the link once and closes it: the first run imports numpy, pandas and
plotly into the server, about 130 MB that is not per student). "Per session" is
(peak − warm idle) / sessions. VmHWM (the kernel's own peak) is shown beside it, and the RSS
3 s after every session closed.

CPU: the clients run on the same 2 cores as the server and may inflate its latency (browsers
do, protocol clients hardly). To tell the two apart the script reports the server's CPU use
(utime + stime of its processes over the lesson's wall time; a Python server cannot use much
more than one core), the clients' (this process and all it started but the server) and the
whole machine's busy share (from /proc/stat). A machine near 100 % busy with the server well
below one core means the clients are starving it. `--pin` puts the server on CPU 0 alone and
this script with its browsers on the other CPUs, which approximates a server on its own
machine; running with fewer --sessions gives the per-session baseline (with 30 browser
sessions one CPU is far too little for the browsers: their pages do not even load within the
timeout). The last row turns the server's CPU per action into the CPU a class of this size
would ask of the server if each student had their own computer (sessions × CPU per action ÷
(mean think time + 0.3 s)): the part of the latency the page itself is responsible for.

Server options: the server inherits this script's environment, so a Streamlit option can be
tried without editing the project, e.g. `STREAMLIT_RUNNER_POST_SCRIPT_GC=false`; such variables
are shown in the table.

Goals: 0 errors, change-to-update p95 ≤ 1.5 s, server peak RSS ≤ 700 MB. Exit code 1 if one
is missed. `measure(sessions=30)` returns the rows for benchmarks/run_all.py (not run by it
unless it is asked to: this is slow).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT / "tests", ROOT / "benchmarks"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import browser  # noqa: E402  (tests/browser.py: the server and Chromium helpers of the tests)
from playwright.async_api import async_playwright  # noqa: E402
from streamlit_client import StreamlitClient, plotly_values  # noqa: E402

BENCHMARK = "classroom load"
LINK = "/?dataset=cars&lr=0.002&steps=60"
LINK_QUERY = LINK.split("?", 1)[1]
ALPHA = "Learning rate α (log scale)"
COST_CURVE = "Cost J(θ) and its tangent at step"
DATA = "Data and the model at step"
HISTORY = "Cost history"
SWEEP = "Sweep:"
UPLOADER = f"{browser.SIDEBAR} [data-testid=stFileUploaderDropzoneInput]"
# The widgets a protocol client changes: the α slider by its label, as the browser finds it;
# the others by their keys (the browser's .st-key-<key> selectors).
NEXT_KEY, SECTION_KEY, SOURCE_KEY, UPLOAD_KEY = "next", "section", "source", "upload"
SECTION_SWEEP, SECTION_STEP, UPLOAD_SOURCE = "Sweep", "Step by step", "Upload a CSV"
ALPHA_CHANGES = 10
NEXT_CLICKS = 5

GOAL_P95_S = 1.5
GOAL_PEAK_MB = 700.0
GOAL_ERRORS = 0

# One student alone sees about this from an action to the updated page (a run with 1 session);
# with the think time it sets how often each student acts when nothing is overloaded.
UNLOADED_LATENCY_S = 0.3
DEFAULT_SESSIONS = 30
DEFAULT_BROWSERS = 2
DEFAULT_THINK = (1.0, 3.0)
DEFAULT_RAMP_S = 15.0
DEFAULT_DEADLINE_S = 600.0
DEFAULT_ACTION_TIMEOUT_S = 30.0
DEFAULT_LOAD_TIMEOUT_S = 90.0
# A laptop's window, not the tests' very tall one: every chart still renders (Streamlit does
# not virtualize the page), and the browsers paint less.
VIEWPORT = {"width": 1366, "height": 900}

# Installed in every page before its scripts run (add_init_script). window.__lt.arm(goal)
# starts an action; window.__lt.done is the update time, window.__lt.t0 the event's time.
WATCHER_JS = (
    """(() => {
    const find = """
    + browser.FIND_CHART_JS
    + """;
    const signature = """
    + browser.SIGNATURE_JS
    + """;
    const idle = """
    + browser._IDLE_JS  # the run-state test the tests use
    + """;
    const EXCEPTION = """
    + json.dumps(browser.EXCEPTION)
    + """;
    const w = window.__lt = {goal: null, t0: null, done: null, runs: 0, before: [],
                             scheduled: false, exceptions: 0, timer: null, waiters: []};
    const drawn = prefix => {
        const gd = find(prefix);
        return !!gd && !!gd.querySelector('.main-svg');
    };
    const sameNumbers = (a, b) => a.length === b.length
        && a.every((v, i) => Math.abs(v - b[i]) < 1e-9);
    function met() {
        const g = w.goal;
        if (!idle()) return false;
        if (g.drawn && !g.drawn.every(drawn)) return false;
        if (g.selector && !document.querySelector(g.selector)) return false;
        if (g.changed && !g.changed.every((p, i) => {
            const now = signature(find(p));
            return now !== null && now !== w.before[i];
        })) return false;
        if (g.x) {
            const gd = find(g.x.prefix);
            if (!gd || !gd._fullData || !gd._fullData[0] || !gd._fullData[0].x) return false;
            if (!sameNumbers(Array.from(gd._fullData[0].x, Number), g.x.values)) return false;
        }
        return true;
    }
    w.why = () => {
        const g = w.goal || {};
        const app = document.querySelector('[data-testid=stApp]');
        return {t0: w.t0, runs: w.runs, idle: idle(),
                state: app && app.getAttribute('data-test-script-state'),
                stale: [...document.querySelectorAll('[data-stale="true"]')]
                    .map(e => (e.innerText || e.getAttribute('data-testid') || '').slice(0, 60)),
                drawn: (g.drawn || []).map(drawn),
                changed: (g.changed || []).map((p, i) => signature(find(p)) !== w.before[i]),
                exceptions: [...document.querySelectorAll(EXCEPTION)]
                    .map(e => e.innerText.slice(0, 300))};
    };
    function check() {
        w.scheduled = false;
        if (!w.goal || w.done !== null) return;
        let ok = false;
        try { ok = met(); } catch (e) { ok = false; }
        if (ok) {
            w.done = performance.now();
            w.exceptions = document.querySelectorAll(EXCEPTION).length;
            clearInterval(w.timer);  // an idle page costs nothing
            const result = [w.t0, w.done, w.exceptions];
            w.waiters.splice(0).forEach(resolve => resolve(result));
        }
    }
    // A promise of [t0, done, exceptions], or null after ms: Playwright awaits it, no polling.
    w.wait = ms => new Promise(resolve => {
        if (w.done !== null) return resolve([w.t0, w.done, w.exceptions]);
        w.waiters.push(resolve);
        setTimeout(() => resolve(null), ms);
    });
    function schedule() {
        if (w.goal && w.done === null && !w.scheduled) {
            w.scheduled = true;
            requestAnimationFrame(check);
        }
    }
    w.arm = goal => {
        w.goal = goal; w.t0 = goal.t0 === undefined ? null : goal.t0; w.done = null; w.runs = 0;
        w.before = (goal.changed || []).map(p => signature(find(p)));
        clearInterval(w.timer);
        w.timer = setInterval(check, 250);  // a fallback to the DOM observer, while armed
        schedule();
    };
    for (const type of ['keydown', 'click', 'change']) {
        document.addEventListener(type, () => {
            if (w.goal && w.t0 === null) w.t0 = performance.now();
        }, {capture: true});
    }
    const start = () => {
        new MutationObserver(records => {
            // A run can start and end before this callback: each record keeps the old value.
            for (const r of records) {
                if (r.oldValue !== 'notRunning'
                    || r.target.getAttribute('data-test-script-state') !== 'notRunning') {
                    w.runs += 1;
                }
            }
            schedule();
        }).observe(document, {attributes: true, subtree: true, attributeOldValue: true,
                              attributeFilter: ['data-test-script-state']});
        new MutationObserver(schedule).observe(document, {childList: true, subtree: true,
                                                         attributes: true});
    };
    start();
})();"""
)


# -- the server's memory and CPU, from /proc ----------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(c) for c in handle.read().split()]
    except OSError:
        pass
    return found


def process_tree(pid: int) -> list[int]:
    """pid and all its descendants."""
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += _children(current)
    return tree


def _status_kb(pid: int, field_name: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_rss_mb(pid: int) -> float:
    return sum(_status_kb(p, "VmRSS") for p in process_tree(pid)) / 1024


def tree_hwm_mb(pid: int) -> float:
    return sum(_status_kb(p, "VmHWM") for p in process_tree(pid)) / 1024


def tree_cpu_s(pid: int) -> float:
    """CPU seconds of pid and its descendants, the exited (and waited-for) ones included."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            # utime, stime, cutime, cstime: fields 14 to 17 of proc(5)
            total += sum(int(v) for v in fields[11:15])
        except (OSError, ValueError, IndexError):
            pass
    return total / ticks


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs since boot."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values) - idle, sum(values)


def server_pid(url: str) -> int:
    """The `streamlit run` process that this process started for url (found by its port)."""
    port = str(urlsplit(url).port)
    for pid in _children(os.getpid()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                argv = handle.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        if "streamlit" in argv and port in argv:
            return pid
    raise RuntimeError(f"no streamlit server child of this process listens on port {port}")


class RssSampler:
    """Polls the RSS of a process tree every `interval` s in a thread; keeps the peak."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid, self.interval = pid, interval
        self.peak_mb = 0.0
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            rss = tree_rss_mb(self.pid)
            self.samples.append((time.monotonic(), rss))
            self.peak_mb = max(self.peak_mb, rss)
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


# -- one student --------------------------------------------------------------------------------


@dataclass
class Action:
    session: int
    kind: str  # load, alpha, next, sweep, step, source, upload
    seconds: float | None  # event to updated page (protocol: BackMsg to script_finished)
    error: str | None = None
    client: str = "browser"  # or "protocol"


@dataclass
class Lesson:
    index: int
    actions: list[Action] = field(default_factory=list)
    finished: bool = False
    static_bytes: int = 0  # the page's files a protocol client downloaded


def student_csv(index: int) -> tuple[bytes, list[float]]:
    """A small CSV of its own for every student (so the server cannot share one cached file)."""
    rng = random.Random(1000 + index)
    xs = [float(x) for x in range(1, 9 + index % 5)]
    rows = [f"{x:g},{3 + 2 * x + rng.uniform(-1, 1):.3f}" for x in xs]
    return ("hours,score\n" + "\n".join(rows) + "\n").encode(), xs


class Deadline(Exception):
    pass


class Pacer:
    """A student's clock: the time left before the class's deadline, and pauses to think."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Deadline
        return left

    async def pause(self, seconds: float) -> None:
        await asyncio.sleep(min(seconds, self.remaining()))
        self.remaining()


async def run_lesson(
    lesson: Lesson,
    context,
    url: str,
    deadline: float,
    think: tuple[float, float],
    start_delay: float,
    action_timeout: float,
    load_timeout: float,
) -> None:
    rng = random.Random(lesson.index)
    clock = Pacer(deadline)
    remaining, pause = clock.remaining, clock.pause

    async def finished(kind: str, timeout: float, load: bool = False) -> None:
        """Wait for the page to report the armed action done; record it."""
        wait_ms = min(timeout, remaining()) * 1000
        try:
            result = await page.evaluate("(ms) => window.__lt.wait(ms)", wait_ms)
        except Exception as error:  # a closed or crashed page: an error row
            if time.monotonic() >= deadline:
                raise Deadline from None
            name = type(error).__name__
            lesson.actions.append(Action(lesson.index, kind, None, f"{name}: {str(error)[:160]}"))
            return
        if result is None:
            if time.monotonic() >= deadline:
                raise Deadline
            why = ""
            with contextlib.suppress(Exception):
                why = json.dumps(await page.evaluate("() => window.__lt.why()"), ensure_ascii=False)
            message = f"timeout after {wait_ms / 1000:.0f} s {why[:600]}"
            lesson.actions.append(Action(lesson.index, kind, None, message))
            return
        t0, done, exceptions = result
        if load:
            t0 = 0.0  # performance.now() counts from the start of navigation
        seconds = (done - t0) / 1000 if t0 is not None else None
        error = None
        if t0 is None:
            error = "no key/click/change event seen"
        elif exceptions:
            error = f"{exceptions} exception box(es) on the page"
        lesson.actions.append(Action(lesson.index, kind, seconds, error))

    async def act(kind: str, goal: dict, do, think_after: bool = True) -> None:
        await page.evaluate("(goal) => window.__lt.arm(goal)", goal)
        try:
            await do()
        except Exception as error:  # the click or key press failed: an error row
            if time.monotonic() >= deadline:
                raise Deadline from None
            name = type(error).__name__
            lesson.actions.append(Action(lesson.index, kind, None, f"{name}: {str(error)[:160]}"))
            return
        await finished(kind, action_timeout)
        if think_after:
            await pause(rng.uniform(*think))

    page = None
    try:
        await pause(start_delay)
        page = await context.new_page()
        page.set_default_timeout(action_timeout * 1000)
        await page.goto(url + LINK, timeout=min(load_timeout, remaining()) * 1000)
        # Loaded: the three charts drawn and the first run finished; timed from navigation start.
        await page.evaluate(
            "(goal) => window.__lt.arm(goal)", {"t0": 0, "drawn": [COST_CURVE, DATA, HISTORY]}
        )
        await finished("load", load_timeout, load=True)
        if lesson.actions[-1].seconds is None:
            return  # the page never came up: nothing else to do
        await pause(rng.uniform(*think))

        slider = page.get_by_role("slider", name=ALPHA)
        for _ in range(ALPHA_CHANGES):
            key = rng.choice(("ArrowRight", "ArrowLeft"))
            await act("alpha", {"changed": [COST_CURVE, HISTORY]},
                      lambda key=key: slider.press(key))  # fmt: skip

        nxt = page.locator(".st-key-next button")
        for _ in range(NEXT_CLICKS):
            await act("next", {"changed": [COST_CURVE]}, nxt.click)

        section = page.locator(".st-key-section")
        await act("sweep", {"drawn": [SWEEP]},
                  section.get_by_role("radio", name="Sweep").click)  # fmt: skip
        await act("step", {"drawn": [COST_CURVE, DATA, HISTORY]},
                  section.get_by_role("radio", name="Step by step").click)  # fmt: skip

        sidebar = page.locator(browser.SIDEBAR)
        upload_source = sidebar.get_by_text("Upload a CSV", exact=True)
        await act("source", {"selector": UPLOADER}, upload_source.click)
        content, xs = student_csv(lesson.index)
        uploader = page.locator(UPLOADER)
        file = {"name": f"student{lesson.index:02d}.csv", "mimeType": "text/csv", "buffer": content}
        await act("upload", {"x": {"prefix": DATA, "values": xs}},
                  lambda: uploader.set_input_files(file), think_after=False)  # fmt: skip
        lesson.finished = True
    except Deadline:
        pass
    except Exception as error:  # a crash of this student's driver: an error
        lesson.actions.append(
            Action(lesson.index, "lesson", None, f"{type(error).__name__}: {error}")
        )
    finally:
        if page is not None:
            with contextlib.suppress(Exception):
                await page.close()


def _page_error(client: StreamlitClient) -> str | None:
    """An error if the page holds exception elements (the browser's exception boxes)."""
    shown = client.elements("exception")
    if not shown:
        return None
    first = shown[0].element.exception
    return f"{len(shown)} exception box(es) on the page: {first.type}: {first.message[:200]}"


def _spec(client: StreamlitClient, title_start: str) -> str | None:
    """The spec JSON of the first chart whose title starts so (None: no such chart)."""
    return next((s for t, s in client.chart_specs().items() if t.startswith(title_start)), None)


async def run_protocol_lesson(
    lesson: Lesson,
    url: str,
    deadline: float,
    think: tuple[float, float],
    start_delay: float,
    action_timeout: float,
    load_timeout: float,
    assets: tuple[str, ...] = (),
) -> None:
    """run_lesson's lesson through Streamlit's websocket protocol (benchmarks/
    streamlit_client.py): the same actions, random walk, think times and checks, made on the
    figures the server sent rather than on a drawn page."""
    rng = random.Random(lesson.index)
    clock = Pacer(deadline)
    client = StreamlitClient(url, timeout=action_timeout)

    def record(kind: str, seconds: float | None, error: str | None) -> None:
        lesson.actions.append(Action(lesson.index, kind, seconds, error, client="protocol"))

    def changed(*title_starts: str) -> Callable[[], str | None]:
        """A check that each of these charts is on the page with another spec than now."""
        before = [_spec(client, t) for t in title_starts]

        def check() -> str | None:
            same = [
                t
                for t, b in zip(title_starts, before, strict=True)
                if _spec(client, t) in (None, b)
            ]
            return f"not redrawn with new data: {same}" if same else None

        return check

    def drawn(*title_starts: str) -> Callable[[], str | None]:
        def check() -> str | None:
            missing = [t for t in title_starts if _spec(client, t) is None]
            return f"charts not on the page: {missing}" if missing else None

        return check

    async def act(kind: str, do, check: Callable[[], str | None], timeout: float) -> bool:
        """Do an action, wait for its run, check the page; record it. False if it failed."""
        limit = min(timeout, clock.remaining())
        try:
            result = await asyncio.wait_for(do(), limit)
        except Exception as error:  # a timeout or a failed call: an error row
            if time.monotonic() >= deadline:
                raise Deadline from None
            if isinstance(error, TimeoutError):
                message = f"timeout after {limit:.0f} s"
            else:
                message = f"{type(error).__name__}: {str(error)[:160]}"
            record(kind, None, message)
            return False
        if result is None:  # step_option at the end of the slider: nothing was sent
            record(kind, None, "the slider is at its end: the key press changed nothing")
            return False
        record(kind, result.seconds, check() or _page_error(client))
        return True

    async def open_page():
        started = time.perf_counter()
        lesson.static_bytes, first_run = await asyncio.gather(
            client.fetch(assets), client.open(LINK_QUERY)
        )
        # The load is over when the first run has finished and every file is in.
        return replace(first_run, seconds=time.perf_counter() - started)

    try:
        await clock.pause(start_delay)
        if not await act("load", open_page, drawn(COST_CURVE, DATA, HISTORY), load_timeout):
            return  # the page never came up: nothing else to do
        await clock.pause(rng.uniform(*think))

        for _ in range(ALPHA_CHANGES):
            steps = 1 if rng.choice(("ArrowRight", "ArrowLeft")) == "ArrowRight" else -1
            await act(
                "alpha",
                lambda steps=steps: client.step_option(client.widget(label=ALPHA), steps),
                changed(COST_CURVE, HISTORY),
                action_timeout,
            )
            await clock.pause(rng.uniform(*think))

        for _ in range(NEXT_CLICKS):
            await act("next", lambda: client.click(NEXT_KEY), changed(COST_CURVE), action_timeout)
            await clock.pause(rng.uniform(*think))

        await act("sweep", lambda: client.set_value(SECTION_KEY, SECTION_SWEEP), drawn(SWEEP),
                  action_timeout)  # fmt: skip
        await clock.pause(rng.uniform(*think))
        await act("step", lambda: client.set_value(SECTION_KEY, SECTION_STEP),
                  drawn(COST_CURVE, DATA, HISTORY), action_timeout)  # fmt: skip
        await clock.pause(rng.uniform(*think))

        def uploader_shown() -> str | None:
            kinds = {w.key: w.kind for w in client.widgets()}
            return None if kinds.get(UPLOAD_KEY) == "file_uploader" else "no file uploader"

        await act("source", lambda: client.set_value(SOURCE_KEY, UPLOAD_SOURCE), uploader_shown,
                  action_timeout)  # fmt: skip
        await clock.pause(rng.uniform(*think))

        content, xs = student_csv(lesson.index)

        def shows_file() -> str | None:
            figure = client.chart(DATA)
            shown = plotly_values(figure["data"][0].get("x")) if figure else []
            same = len(shown) == len(xs) and all(
                abs(a - b) < 1e-9 for a, b in zip(shown, xs, strict=True)
            )
            return None if same else f"the data chart does not show the file's x: {shown}"

        name = f"student{lesson.index:02d}.csv"
        await act("upload", lambda: client.upload(UPLOAD_KEY, name, content, "text/csv"),
                  shows_file, action_timeout)  # fmt: skip
        lesson.finished = True
    except Deadline:
        pass
    except Exception as error:  # a crash of this student's client: an error
        lesson.actions.append(
            Action(lesson.index, "lesson", None, f"{type(error).__name__}: {error}", "protocol")
        )
    finally:
        with contextlib.suppress(Exception):
            await client.close()


async def warm_up(instance, url: str, timeout: float) -> tuple[str, ...]:
    """The teacher opens the link before the class (its first run imports numpy, pandas and
    plotly into the server), then closes the tab; the server is given 2 s to settle.

    Returns the paths the page downloaded (the document and its static files, in order), for
    protocol clients to download as a browser would."""
    context = await instance.new_context(viewport=VIEWPORT)
    origin = url.rstrip("/")
    downloaded: dict[str, None] = {}

    def note(request) -> None:
        if request.method == "GET" and request.url.startswith(origin + "/"):
            path = request.url[len(origin) :]
            if not path.startswith("/_stcore/"):  # the client asks for those itself
                downloaded.setdefault(path)

    try:
        page = await context.new_page()
        page.on("requestfinished", note)
        await page.goto(url + LINK, timeout=timeout * 1000)
        await page.wait_for_function(
            "(prefixes) => prefixes.every(p => {"
            f" const gd = ({browser.FIND_CHART_JS})(p);"
            " return gd && gd.querySelector('.main-svg'); })",
            arg=[COST_CURVE, DATA, HISTORY],
            polling=100,
            timeout=timeout * 1000,
        )
        with contextlib.suppress(Exception):  # fonts and chunks the drawn page asked for
            await page.wait_for_load_state("networkidle", timeout=10_000)
    finally:
        await context.close()
    await asyncio.sleep(2.0)
    return tuple(downloaded)


def browser_sessions(sessions: int, clients: str, mixed: int) -> set[int]:
    """The students that use a real browser: all, none, or `mixed` spread over the class."""
    if clients == "browser":
        return set(range(sessions))
    return {round(j * sessions / mixed) for j in range(mixed)} if mixed else set()


async def run_class(
    url: str,
    sessions: int,
    browsers: int,
    think: tuple[float, float],
    ramp: float,
    deadline_s: float,
    action_timeout: float,
    load_timeout: float,
    seed: int,
    on_warm: Callable[[], None] = lambda: None,
    on_done: Callable[[], None] = lambda: None,
    clients: str = "protocol",
    mixed: int = 0,
    assets: bool = True,
) -> tuple[list[Lesson], tuple[str, ...]]:
    """Run the lesson for every student; return the lessons and the static files a page
    downloads (as the teacher's browser did)."""
    rng = random.Random(seed)
    lessons = [Lesson(i) for i in range(sessions)]
    in_browser = browser_sessions(sessions, clients, mixed)
    # A protocol client's HTTP requests run in threads, 6 at a time per client as a browser's
    # do: enough threads that one student's downloads do not queue behind another's.
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(max_workers=min(64, 6 * (sessions - len(in_browser)) + 4))
    )
    async with async_playwright() as playwright:
        # One browser at least: the teacher's, which also shows what a page downloads.
        launched = [
            await playwright.chromium.launch(
                executable_path=browser.CHROMIUM, args=list(browser.CHROMIUM_ARGS)
            )
            for _ in range(max(1, min(browsers, len(in_browser))))
        ]
        contexts = []
        try:
            downloaded = await warm_up(launched[0], url, load_timeout)
            if not in_browser:  # no student needs it: it must not take CPU from the server
                await launched.pop().close()
            on_warm()
            deadline = time.monotonic() + deadline_s
            tasks = []
            for lesson in lessons:
                delay = rng.uniform(0, ramp)
                if lesson.index not in in_browser:
                    tasks.append(
                        run_protocol_lesson(
                            lesson, url, deadline, think, delay, action_timeout, load_timeout,
                            downloaded if assets else (),
                        )
                    )  # fmt: skip
                    continue
                context = await launched[len(contexts) % len(launched)].new_context(
                    viewport=VIEWPORT
                )
                await context.add_init_script(WATCHER_JS)
                contexts.append(context)
                tasks.append(
                    run_lesson(
                        lesson, context, url, deadline, think, delay, action_timeout, load_timeout
                    )
                )
            # the lessons stop at the deadline by themselves; this is a last resort
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.gather(*tasks), timeout=deadline_s + 30)
            on_done()  # while the browsers still run, so their CPU time can be read
        finally:
            for context in contexts:
                with contextlib.suppress(Exception):
                    await context.close()
            for instance in launched:
                with contextlib.suppress(Exception):
                    await instance.close()
    return lessons, downloaded


# -- the whole run and its report ---------------------------------------------------------------


def _pin(cpus: set[int], pid: int | None = None) -> None:
    """Pin every thread of pid and its descendants, or (no pid) every thread of this process
    alone, to these CPUs; threads and processes started later inherit it."""
    for process in process_tree(pid) if pid is not None else [os.getpid()]:
        try:
            tasks = [int(t) for t in os.listdir(f"/proc/{process}/task")]
        except OSError:
            continue
        for task in tasks:
            with contextlib.suppress(OSError):
                os.sched_setaffinity(task, cpus)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile, linear between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.0f} ms"


def run(
    sessions: int = DEFAULT_SESSIONS,
    browsers: int = DEFAULT_BROWSERS,
    think: tuple[float, float] = DEFAULT_THINK,
    ramp: float = DEFAULT_RAMP_S,
    deadline_s: float = DEFAULT_DEADLINE_S,
    action_timeout: float = DEFAULT_ACTION_TIMEOUT_S,
    load_timeout: float = DEFAULT_LOAD_TIMEOUT_S,
    pin: bool = False,
    seed: int = 0,
    clients: str = "protocol",
    mixed: int = 0,
    assets: bool = True,
) -> dict:
    """Start the server, run the class, return the raw figures."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    pinned = pin and len(cpus) >= 2
    before_affinity = set(cpus)
    try:
        with browser.streamlit_server() as url:
            pid = server_pid(url)
            if pinned:
                _pin({cpus[0]}, pid)
                _pin(set(cpus[1:]))  # this process and the browsers it will launch
            time.sleep(1.0)  # let the just-started server settle
            idle_mb = tree_rss_mb(pid)
            marks: dict = {}

            def on_warm() -> None:  # after the teacher's page, before the students
                marks["warm_mb"] = tree_rss_mb(pid)
                marks["cpu"], marks["machine"] = tree_cpu_s(pid), machine_cpu()
                marks["clients"] = tree_cpu_s(os.getpid()) - marks["cpu"]
                marks["started"] = time.monotonic()

            def on_done() -> None:  # the lesson is over, the browsers not yet closed
                marks["ended"] = time.monotonic()
                marks["cpu_after"], marks["machine_after"] = tree_cpu_s(pid), machine_cpu()
                marks["clients_after"] = tree_cpu_s(os.getpid()) - marks["cpu_after"]

            with RssSampler(pid) as sampler:
                lessons, downloaded = asyncio.run(
                    run_class(
                        url, sessions, browsers, think, ramp, deadline_s,
                        action_timeout, load_timeout, seed, on_warm, on_done,
                        clients, mixed, assets,
                    )
                )  # fmt: skip
                started, cpu_before = marks["started"], marks["cpu"]
                busy_before, total_before = marks["machine"]
                wall = marks["ended"] - started
                cpu_after, (busy_after, total_after) = marks["cpu_after"], marks["machine_after"]
                # This process and all it started but the server: the protocol clients,
                # Playwright's driver and the browsers, read while they all still ran.
                clients_cpu_s = marks["clients_after"] - marks["clients"]
                hwm_mb = tree_hwm_mb(pid)
                time.sleep(3.0)  # the sessions have closed: does the memory come back?
                after_mb = tree_rss_mb(pid)
    finally:
        if pinned:
            _pin(before_affinity)
    actions = [a for lesson in lessons for a in lesson.actions]
    return {
        "sessions": sessions,
        "in_browser": len(browser_sessions(sessions, clients, mixed)),
        "assets": len(downloaded) if assets else 0,
        "browsers": browsers,
        "think": think,
        "ramp": ramp,
        "pinned": pinned,
        "lessons": lessons,
        "actions": actions,
        "idle_mb": idle_mb,
        "warm_mb": marks["warm_mb"],
        "peak_mb": sampler.peak_mb,
        "hwm_mb": hwm_mb,
        "after_mb": after_mb,
        "rss_samples": [(round(t - started, 2), round(mb, 1)) for t, mb in sampler.samples],
        "wall_s": wall,
        "server_cpu": (cpu_after - cpu_before) / wall,
        "server_cpu_s": cpu_after - cpu_before,
        "clients_cpu": clients_cpu_s / wall,
        "machine_busy": (busy_after - busy_before) / max(total_after - total_before, 1),
        "cpus": len(cpus) or os.cpu_count(),
    }


def rows_from(result: dict) -> list[dict]:
    sessions = result["sessions"]
    lessons, actions = result["lessons"], result["actions"]
    timed = [a for a in actions if a.kind != "load"]
    loads = [a.seconds for a in actions if a.kind == "load" and a.seconds is not None]
    times = [a.seconds for a in timed if a.seconds is not None]
    errors = [a for a in actions if a.error is not None]
    unfinished = sum(not lesson.finished for lesson in lessons)
    error_count = len(errors) + sum(
        not lesson.finished and not any(a.error for a in lesson.actions) for lesson in lessons
    )  # a lesson cut by the deadline without an error of its own counts once
    p50 = statistics.median(times) if times else float("nan")
    p95 = percentile(times, 95) if times else float("nan")
    per_session = (result["peak_mb"] - result["warm_mb"]) / max(sessions, 1)
    per_action = result["server_cpu_s"] / max(len(actions), 1)
    cycle = (result["think"][0] + result["think"][1]) / 2 + UNLOADED_LATENCY_S
    demand = sessions * per_action / cycle
    think = result["think"]
    pacing = (
        f"think {think[0]:g}–{think[1]:g} s between actions"
        if think[1] > 0
        else "no think time (stress)"
    )

    def row(measure: str, value: str, goal: str = "info", ok: bool = True) -> dict:
        return {"benchmark": BENCHMARK, "measure": measure, "value": value, "goal": goal, "ok": ok}

    kinds: dict[str, list[float]] = {}
    for action in timed:
        if action.seconds is not None:
            kinds.setdefault(action.kind, []).append(action.seconds)
    split = "; ".join(f"{kind} {_spread(v)}" for kind, v in kinds.items())
    first_errors = "; ".join(f"s{e.session} {e.kind}: {e.error}" for e in errors[:3]) or "none"
    in_browser = result["in_browser"]
    protocol = sessions - in_browser
    static_mb = [lesson.static_bytes / 1e6 for lesson in lessons if lesson.static_bytes]
    who = ", ".join(
        part
        for part in (
            f"{in_browser} in headless Chromium ({min(result['browsers'], in_browser)} "
            "browser processes)"
            if in_browser
            else "",
            f"{protocol} protocol clients ("
            + (
                f"each downloads the page's {result['assets']} files, "
                f"{statistics.median(static_mb):.1f} MB"
                if static_mb
                else "no static files"
            )
            + ")"
            if protocol
            else "",
        )
        if part
    )
    rows = [
        row(
            "sessions (lessons finished / started)",
            f"{sessions - unfinished} / {sessions}: {who}; "
            f"{pacing}, starts spread over {result['ramp']:g} s"
            + ("; server pinned to 1 CPU, browsers to the rest" if result["pinned"] else "")
            + "".join(
                f"; {k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("STREAMLIT_")
            ),
        ),
        row("actions timed (key press / click / upload to updated page)", f"{len(timed)}"),
        row(
            "errors (timeouts, failed waits, exception boxes, unfinished lessons)",
            f"{error_count}" + (f" — {first_errors}" if error_count else ""),
            f"{GOAL_ERRORS}",
            error_count <= GOAL_ERRORS,
        ),
        row("change to updated page, median", _seconds(p50) if times else "no data"),
        row(
            "change to updated page, p95",
            _seconds(p95) if times else "no data",
            f"≤ {GOAL_P95_S:g} s",
            bool(times) and p95 <= GOAL_P95_S,
        ),
        row("median / p95 by action", split or "no data"),
        *_client_rows(row, actions, in_browser, protocol),
        row(
            "page load to charts drawn, median / p95"
            + (" (protocol: first run finished, files downloaded)" if protocol else ""),
            _spread(loads) if loads else "no data",
        ),
        row(
            "server peak RSS (server and its children, polled every 0.2 s)",
            f"{result['peak_mb']:.0f} MB",
            f"≤ {GOAL_PEAK_MB:g} MB",
            result["peak_mb"] <= GOAL_PEAK_MB,
        ),
        row(
            "server RSS idle: just started / after one warm-up page (before the sessions)",
            f"{result['idle_mb']:.0f} MB / {result['warm_mb']:.0f} MB",
        ),
        row(
            "server RSS per session, (peak − warm idle) / sessions",
            f"{per_session:.1f} MB",
        ),
        row(
            "server VmHWM / RSS 3 s after the sessions closed",
            f"{result['hwm_mb']:.0f} MB / {result['after_mb']:.0f} MB",
        ),
        row(
            "CPU during the lesson: server / clients (this process and the browsers) / machine",
            f"server {result['server_cpu']:.2f} CPU; clients "
            f"{result['clients_cpu']:.2f} CPU; machine "
            f"{result['machine_busy'] * result['cpus']:.2f} of {result['cpus']} CPUs busy; "
            f"over {result['wall_s']:.0f} s",
        ),
        row(
            "server CPU per action (page loads included)",
            f"{per_action * 1000:.0f} ms over {len(actions)} actions",
        ),
        row(
            f"server CPU the class would need if every student had their own computer: "
            f"{sessions} × CPU per action ÷ (mean think + {UNLOADED_LATENCY_S:g} s)",
            f"{demand:.2f} CPU (Python runs the scripts under one GIL: above about 0.8 the "
            "server queues and latency grows with the class, whatever the clients)",
        ),
    ]
    return rows


def _spread(values: list[float]) -> str:
    """median / p95"""
    return f"{_seconds(statistics.median(values))} / {_seconds(percentile(values, 95))}"


def _client_rows(row, actions: list[Action], in_browser: int, protocol: int) -> list[dict]:
    """With both kinds of client: their latencies side by side, and the difference."""
    timed = [a for a in actions if a.kind != "load" and a.seconds is not None]
    in_browsers = [a.seconds for a in timed if a.client == "browser"]
    in_protocol = [a.seconds for a in timed if a.client == "protocol"]
    if not (in_browser and protocol and in_browsers and in_protocol):
        return []
    own = statistics.median(in_browsers) - statistics.median(in_protocol)
    return [
        row(
            "change to updated page by client, median / p95",
            f"browsers {_spread(in_browsers)} over {len(in_browsers)} actions; protocol clients "
            f"{_spread(in_protocol)} over {len(in_protocol)} actions; difference of the medians "
            f"(the browser's own work) {_seconds(own) if own >= 0 else f'−{_seconds(-own)}'}",
        )
    ]


def measure(sessions: int = DEFAULT_SESSIONS, **options) -> list[dict]:
    """The rows for benchmarks/run_all.py: 30 paced students by default (a few minutes)."""
    return rows_from(run(sessions=sessions, **options))


def print_table(rows: list[dict]) -> None:
    columns = ("benchmark", "measure", "value", "goal", "ok")
    cells = [list(columns)] + [
        [str(r[c]) if c != "ok" else ("yes" if r["ok"] else "NO") for c in columns] for r in rows
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    for n, line in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=DEFAULT_SESSIONS)
    parser.add_argument("--clients", choices=("protocol", "browser"), default="protocol",
                        help="what each student uses (see the module's docstring)")  # fmt: skip
    parser.add_argument("--mixed", type=int, default=0, metavar="K",
                        help="K sessions in browsers, the others protocol clients")  # fmt: skip
    parser.add_argument("--no-assets", action="store_true",
                        help="protocol clients do not download the page's files")  # fmt: skip
    parser.add_argument("--browsers", type=int, default=DEFAULT_BROWSERS,
                        help="browser processes the browser sessions are spread over")  # fmt: skip
    parser.add_argument("--think", type=float, nargs=2, default=DEFAULT_THINK,
                        metavar=("MIN", "MAX"), help="seconds between actions")  # fmt: skip
    parser.add_argument("--ramp", type=float, default=DEFAULT_RAMP_S,
                        help="students open the link within this many seconds")  # fmt: skip
    parser.add_argument("--deadline", type=float, default=DEFAULT_DEADLINE_S,
                        help="stop every session after this many seconds")  # fmt: skip
    parser.add_argument("--action-timeout", type=float, default=DEFAULT_ACTION_TIMEOUT_S)
    parser.add_argument(
        "--pin", action="store_true", help="server alone on CPU 0, the browsers on the others"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", metavar="PATH", help="also write every action to this file")
    args = parser.parse_args(argv)
    if args.sessions < 1 or args.think[0] > args.think[1] or args.think[0] < 0:
        parser.error("--sessions must be ≥ 1 and --think MIN MAX with 0 ≤ MIN ≤ MAX")
    if not 0 <= args.mixed <= args.sessions or (args.mixed and args.clients == "browser"):
        parser.error("--mixed K needs 0 ≤ K ≤ --sessions, with protocol clients for the rest")
    result = run(
        sessions=args.sessions,
        browsers=args.browsers,
        think=tuple(args.think),
        ramp=args.ramp,
        deadline_s=args.deadline,
        action_timeout=args.action_timeout,
        pin=args.pin,
        seed=args.seed,
        clients=args.clients,
        mixed=args.mixed,
        assets=not args.no_assets,
    )
    rows = rows_from(result)
    print_table(rows)
    if args.json:
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            json.dumps(
                {
                    "rows": rows,
                    "actions": [a.__dict__ for a in result["actions"]],
                    "rss_mb": result["rss_samples"],
                },
                indent=1,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
