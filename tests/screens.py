"""What a person would notice on the screen, measured in the browser (not a test module).

Used by tests/test_screens.py. Each check returns a list of findings, empty when the screen is
fine, so a failing test prints exactly what is wrong:

- `cut_text`: text that does not fit the box that shows it (a button reading "p" for "prev", a
  metric ending in "…", an equation clipped on the right, a selectbox's choice cut short), in
  the page's HTML;
- `chart_text_problems`: in every plotly chart, text outside the chart (a title that runs off
  its right edge) and pairs of labels drawn on top of each other (a marker under a zone label,
  a threshold label on a tick label, a title under the toolbar);
- `axis_problems`: a log axis spanning far more decades than the data it shows (the cost
  history of a diverging run drawn 287 decades tall);
- `charts_on_first_screen`: how many charts start above the bottom of the viewport;
- `first_screen_problems`: in presentation mode, the verdict, the named charts and the main
  area's α and presets not wholly on the first screen, chart text under 18 px, a verdict under
  22 px, a plot squeezed by its own legend, or a sidebar still showing (`first_screen` holds
  the measurements);
- `accessibility_violations`: axe-core's serious and critical findings (the npm package,
  injected from tests/a11y/node_modules; nothing is fetched at run time).
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

A11Y = Path(__file__).resolve().parent / "a11y"
AXE_JS = A11Y / "node_modules" / "axe-core" / "axe.min.js"

PROJECTOR = {"width": 1024, "height": 768}
LAPTOP = {"width": 1280, "height": 800}
SIZES = {"1024x768": PROJECTOR, "1280x800": LAPTOP}

# Text is "cut" when it reaches this many CSS pixels past a box that clips it: less is
# anti-aliasing and sub-pixel rounding, not a missing letter.
CUT_TOLERANCE_PX = 2
# Two chart labels "overlap" when their boxes share at least this much in both directions.
OVERLAP_TOLERANCE_PX = 2
# A log axis may span this much more than its data (plotly pads its autorange by a few
# percent, markers by their size) before it counts as absurd.
LOG_SPAN_FACTOR = 1.3
LOG_MARGIN_DECADES = 3.0

_CUT_TEXT_JS = """(tolerance) => {
    const clips = style => ['hidden', 'clip', 'auto', 'scroll'].includes(style.overflowX)
        || ['hidden', 'clip', 'auto', 'scroll'].includes(style.overflowY);
    // The page's own scrolling areas are meant to scroll: what lies beyond them is reached by
    // scrolling, not cut.
    const scrollers = new Set([...document.querySelectorAll(
        '[data-testid=stMain], [data-testid=stSidebarContent], [data-testid=stSidebarUserContent],'
        + ' [data-testid=stAppViewContainer], [data-testid=stApp], html, body')]);
    const found = [];
    const walker = document.createTreeWalker(
        document.querySelector('[data-testid=stApp]') || document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent.trim();
        const host = node.parentElement;
        if (!text || !host || seen.has(host)) continue;
        // The skip link is hidden on purpose until it has the keyboard focus.
        if (host.closest('svg, [data-testid=stPlotlyChart], .stTooltipContent, [role=tooltip],'
                         + ' [data-testid=stSkipToContent],'
                         + ' [data-testid=stDataFrameResizable], .katex-mathml,'
                         + ' [aria-hidden=true]'))
            continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const boxes = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
        if (!boxes.length) continue;
        const style = getComputedStyle(host);
        if (style.visibility === 'hidden' || style.display === 'none') continue;
        const box = {left: Math.min(...boxes.map(r => r.left)),
                     right: Math.max(...boxes.map(r => r.right)),
                     top: Math.min(...boxes.map(r => r.top)),
                     bottom: Math.max(...boxes.map(r => r.bottom))};
        // Ellipsis: the browser shortened the text itself.
        if (style.textOverflow === 'ellipsis' && host.scrollWidth > host.clientWidth + 1) {
            seen.add(host);
            found.push({text: text.slice(0, 80), why: 'ends in an ellipsis',
                        shown: host.clientWidth, needed: host.scrollWidth});
            continue;
        }
        for (let el = host; el && !scrollers.has(el); el = el.parentElement) {
            const s = getComputedStyle(el);
            if (!clips(s)) continue;
            const r = el.getBoundingClientRect();
            const past = Math.max(box.right - r.right, r.left - box.left,
                                  box.bottom - r.bottom, r.top - box.top);
            if (past > tolerance) {
                seen.add(host);
                found.push({text: text.slice(0, 80), why: `runs ${Math.round(past)} px past`
                            + ` a ${el.tagName.toLowerCase()}`
                            + `${el.dataset.testid ? ' ' + el.dataset.testid : ''}`
                            + ` with overflow ${s.overflowX}/${s.overflowY}`});
                break;
            }
        }
    }
    // A selectbox shows its choice as the value of an input, not as a text node; an input
    // scrolls what does not fit ("Gradient descer"), so its scroll width is what it needs.
    for (const input of document.querySelectorAll('input[role=combobox]')) {
        if (!input.value || input.getClientRects().length === 0) continue;
        const past = input.scrollWidth - input.clientWidth;
        if (past > tolerance)
            found.push({text: input.value.slice(0, 80), why: `a choice ${past} px wider than`
                        + ` the box "${(input.getAttribute('aria-label') || '').slice(0, 40)}"`});
    }
    return found;
}"""

_CHART_TEXT_JS = """(tolerance) => {
    const title = gd => ((gd.layout && gd.layout.title && gd.layout.title.text) || '')
        .replace(/<[^>]*>/g, '');
    const found = [];
    for (const gd of document.querySelectorAll('[data-testid=stPlotlyChart] .js-plotly-plot')) {
        const svg = gd.querySelector('.main-svg');
        if (!svg) continue;
        const frame = gd.getBoundingClientRect();
        const name = title(gd).slice(0, 60);
        // Every drawn label, with the role that tells which pairs may not touch: any two,
        // tick labels of one axis too (a log axis's minor "2" and "5" crowd into its powers
        // of ten on a narrow chart), and those of neighbouring panels.
        const labels = [];
        const add = (el, role) => {
            const r = el.getBoundingClientRect();
            const text = (el.textContent || '').trim();
            if (!text || r.width === 0 || r.height === 0) return;
            if (getComputedStyle(el).opacity === '0') return;
            labels.push({role, text: text.slice(0, 50), r});
        };
        gd.querySelectorAll('.gtitle').forEach(el => add(el, 'title'));
        // Every axis, however many a figure has (small multiples have one pair per panel):
        // plotly's groups are classed g-xtitle, g-x2title, … and xtick, x2tick, …
        for (const g of gd.querySelectorAll('g[class]')) {
            const match = /(?:^|\\s)(?:g-([xy]\\d*)title|([xy]\\d*)tick)(?:\\s|$)/
                .exec(g.getAttribute('class'));
            if (!match) continue;
            const role = match[1] ? `${match[1]} title` : `${match[2]} tick`;
            g.querySelectorAll('text').forEach(el => add(el, role));
        }
        gd.querySelectorAll('.annotation .annotation-text-g text, .annotation text')
            .forEach(el => add(el, 'annotation'));
        gd.querySelectorAll('.legendtext').forEach(el => add(el, 'legend'));
        gd.querySelectorAll('.colorbar text').forEach(el => add(el, 'colorbar'));
        const unique = labels.filter((a, i) => labels.findIndex(b => b.r.x === a.r.x
            && b.r.y === a.r.y && b.text === a.text) === i);
        for (const label of unique) {
            const past = Math.max(label.r.right - frame.right, frame.left - label.r.left,
                                  label.r.bottom - frame.bottom, frame.top - label.r.top);
            if (past > tolerance)
                found.push({chart: name, why: `${label.role} "${label.text}" runs`
                            + ` ${Math.round(past)} px outside the chart`});
        }
        for (let i = 0; i < unique.length; i++) {
            for (let j = i + 1; j < unique.length; j++) {
                const a = unique[i], b = unique[j];
                if (a.role === 'colorbar' && b.role === 'colorbar') continue;
                const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
                const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
                if (w > tolerance && h > tolerance)
                    found.push({chart: name, why: `${a.role} "${a.text}" overlaps`
                                + ` ${b.role} "${b.text}"`});
            }
        }
    }
    return found;
}"""

_AXES_JS = """([factor, margin]) => {
    const title = gd => ((gd.layout && gd.layout.title && gd.layout.title.text) || '')
        .replace(/<[^>]*>/g, '');
    const found = [];
    for (const gd of document.querySelectorAll('[data-testid=stPlotlyChart] .js-plotly-plot')) {
        const layout = gd._fullLayout;
        if (!layout || !gd._fullData) continue;
        for (const key of Object.keys(layout).filter(k => /^[xy]axis\\d*$/.test(k))) {
            const axis = layout[key];
            if (axis.type !== 'log' || !axis.range) continue;
            const letter = key[0];
            const id = letter + key.slice(5);  // "xaxis2" -> "x2"
            const values = [];
            for (const trace of gd._fullData) {
                if (trace.visible === false || (trace[letter + 'axis'] || letter) !== id) continue;
                for (const v of Array.from(trace[letter] || [], Number))
                    if (Number.isFinite(v) && v > 0) values.push(Math.log10(v));
            }
            // A single value (a marker on a bar of zones) has no span of its own to compare.
            if (new Set(values).size < 2) continue;
            const low = Math.min(...values), high = Math.max(...values);
            const span = axis.range[1] - axis.range[0];
            if (span > Math.max((high - low) * factor, (high - low) + margin))
                found.push({chart: title(gd).slice(0, 60), axis: key,
                            why: `log axis spans ${span.toFixed(1)} decades for data spanning`
                                 + ` ${(high - low).toFixed(1)}`});
        }
    }
    return found;
}"""


# Plotly draws a chart, then grows its margins to fit the legend and tick labels and draws it
# again; on a busy machine the second drawing can come frames later. Labels are measured only
# once every chart's plot area and legend have held still for this many animation frames.
SETTLED_FRAMES = 10

_SETTLED_JS = """(frames) => {
    const sign = gd => {
        const size = gd._fullLayout && gd._fullLayout._size;
        const legend = gd.querySelector('.legend');
        const r = legend ? legend.getBoundingClientRect() : {top: 0, left: 0, height: 0};
        return size ? [size.l, size.t, size.w, size.h, r.top, r.left, r.height]
            .map(v => Math.round(v || 0)).join(',') : 'undrawn';
    };
    const now = [...document.querySelectorAll('.js-plotly-plot')].map(sign).join(';');
    const state = window.__chartsSettling || (window.__chartsSettling = {now: null, same: 0});
    state.same = now === state.now ? state.same + 1 : 0;
    state.now = now;
    return state.same >= frames;
}"""


def wait_until_charts_settle(page: Page, timeout_s: float = 30.0) -> None:
    page.evaluate("() => { window.__chartsSettling = null; }")
    page.wait_for_function(_SETTLED_JS, arg=SETTLED_FRAMES, polling="raf",
                           timeout=timeout_s * 1000)  # fmt: skip


def cut_text(page: Page) -> list[dict]:
    return page.evaluate(_CUT_TEXT_JS, CUT_TOLERANCE_PX)


def chart_text_problems(page: Page) -> list[dict]:
    wait_until_charts_settle(page)
    return page.evaluate(_CHART_TEXT_JS, OVERLAP_TOLERANCE_PX)


def axis_problems(page: Page) -> list[dict]:
    return page.evaluate(_AXES_JS, [LOG_SPAN_FACTOR, LOG_MARGIN_DECADES])


def charts_on_first_screen(page: Page) -> int:
    """Charts whose top edge is inside the viewport as the page opens (scrolled to the top)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=stPlotlyChart] .main-svg')]
            .filter(el => { const r = el.getBoundingClientRect();
                            return r.height > 0 && r.top < window.innerHeight - 100; }).length"""
    )


# Presentation mode's promise (page/presentation.py): type a back row reads, and plots that
# still show their data once legends and titles have taken their share of the chart.
MIN_CHART_TEXT_PX = 18
MIN_VERDICT_TEXT_PX = 22
MIN_PLOT_HEIGHT_PX = 150

_FIRST_SCREEN_JS = """(prefixes) => {
    const title = gd => ((gd.layout && gd.layout.title && gd.layout.title.text) || '')
        .replace(/<[^>]*>/g, '');
    const box = el => { const r = el.getBoundingClientRect();
                        return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
    const px = el => parseFloat(getComputedStyle(el).fontSize);
    const sizes = els => els.filter(el => el.textContent.trim()).map(px);
    const verdict = document.querySelector(
        '[data-testid=stMain] .st-key-verdict [data-testid=stAlert]');
    const gds = [...document.querySelectorAll('[data-testid=stPlotlyChart] .js-plotly-plot')];
    const charts = {};
    for (const prefix of prefixes) {
        const gd = gds.find(g => title(g).startsWith(prefix));
        if (!gd) continue;
        const plot = gd.querySelector('.draglayer .nsewdrag');
        charts[prefix] = {box: box(gd), plot: plot ? box(plot) : null,
                          smallest_text: Math.min(...sizes([...gd.querySelectorAll('svg text')]))};
    }
    const sidebar = document.querySelector('[data-testid=stSidebar]');
    const alpha = document.querySelector('[data-testid=stMain] .st-key-lr');
    return {
        viewport: {width: window.innerWidth, height: window.innerHeight},
        verdict: verdict ? {box: box(verdict), smallest_text: Math.min(
            ...sizes([...verdict.querySelectorAll('p, strong')]))} : null,
        charts,
        alpha: alpha ? box(alpha) : null,
        presets: [...document.querySelectorAll('[data-testid=stMain] [class*=st-key-preset_]')]
            .map(box),
        sidebar_width: sidebar ? sidebar.getBoundingClientRect().width : 0,
    };
}"""


def first_screen(page: Page, chart_titles: tuple[str, ...]) -> dict:
    """Where the verdict, the charts whose titles start so, α and the presets are drawn, with
    the smallest text of the verdict and of each chart (CSS pixels, page scrolled to the top)."""
    wait_until_charts_settle(page)
    return page.evaluate(_FIRST_SCREEN_JS, list(chart_titles))


def first_screen_problems(page: Page, chart_titles: tuple[str, ...]) -> list[str]:
    measured = first_screen(page, chart_titles)
    width, height = measured["viewport"]["width"], measured["viewport"]["height"]

    def off_screen(what: str, box: dict) -> list[str]:
        inside = box["left"] >= 0 and box["top"] >= 0
        inside = inside and box["right"] <= width and box["bottom"] <= height
        where = ", ".join(f"{k} {round(v)}" for k, v in box.items())
        return [] if inside else [f"{what} is not wholly on the {width}×{height} screen ({where})"]

    found = []
    verdict = measured["verdict"]
    if verdict is None:
        found.append("no verdict in the main area")
    else:
        found += off_screen("the verdict", verdict["box"])
        if verdict["smallest_text"] < MIN_VERDICT_TEXT_PX:
            found.append(f"the verdict has {verdict['smallest_text']:g} px text")
    for name in chart_titles:
        chart = measured["charts"].get(name)
        if chart is None:
            found.append(f"no chart titled {name}…")
            continue
        found += off_screen(f"the chart {name}…", chart["box"])
        if chart["smallest_text"] < MIN_CHART_TEXT_PX:
            found.append(f"the chart {name}… has {chart['smallest_text']:g} px text")
        plot_height = chart["plot"]["bottom"] - chart["plot"]["top"] if chart["plot"] else 0
        if plot_height < MIN_PLOT_HEIGHT_PX:
            found.append(f"the chart {name}… keeps {plot_height:.0f} px of height for its data")
    if measured["alpha"] is None:
        found.append("α is not in the main area")
    else:
        found += off_screen("α", measured["alpha"])
        tops = [chart["box"]["top"] for chart in measured["charts"].values()]
        if tops and measured["alpha"]["bottom"] > min(tops):
            found.append("α is not above the charts")
    if not measured["presets"]:
        found.append("the presets are not in the main area")
    for box in measured["presets"]:
        found += off_screen("a preset button", box)
    if measured["sidebar_width"] > 0:
        found.append(f"the sidebar still takes {measured['sidebar_width']:.0f} px")
    return found


def accessibility_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not AXE_JS.exists():
        raise FileNotFoundError(
            f"{AXE_JS} is missing: `python3 .ci/dev.py test` installs it (npm ci in tests/a11y)."
        )
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
                .map(v => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.slice(0, 5).map(n => ({
                                target: n.target.join(' '), summary: n.failureSummary}))}));
        }"""
    )
    return result


def all_problems(page: Page) -> dict[str, list[dict]]:
    return {
        "cut text": cut_text(page),
        "chart labels": chart_text_problems(page),
        "axes": axis_problems(page),
    }
