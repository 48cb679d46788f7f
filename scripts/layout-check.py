#!/usr/bin/env python3
"""Measures a built site as a reader meets it, in headless Chromium.

usage: layout-check.py OUTPUT_FOLDER [--one-per-kind]

  - at 390 px in mobile emulation, no page is wider than the screen;
  - at 1400 px, every chart's text renders at 16 px or more;
  - a margin of error in a table cell is at least 80% of the cell's type, on screen and paper;
  - every briefing prints on one page, its decisions on it.

Exit status 0 when all hold, 1 with one line per problem, 77 when Chromium is missing.
"""
import base64
import importlib.util
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("axe_check", os.path.join(here, "axe-check.py"))
axe_check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(axe_check)

WIDTH = "JSON.stringify({width: document.documentElement.scrollWidth})"
CHART_TEXT = """JSON.stringify(Array.from(document.querySelectorAll("svg.chart text")).filter(function (t) {
  return t.getBoundingClientRect().width > 0;
}).map(function (t) {
  var svg = t.ownerSVGElement, box = svg.getBoundingClientRect(), view = svg.viewBox.baseVal;
  var scale = view && view.width ? Math.min(box.width / view.width, box.height / view.height) : 1;
  return {size: parseFloat(getComputedStyle(t).fontSize) * scale, text: t.textContent, chart: svg.getAttribute("class")};
}).filter(function (t) { return t.size < 15.95; }))"""
SMALL_MARGINS = """JSON.stringify(Array.from(document.querySelectorAll("td .margin")).filter(function (m) {
  return m.getBoundingClientRect().width > 0 &&
    parseFloat(getComputedStyle(m).fontSize) < 0.8 * parseFloat(getComputedStyle(m.closest("td")).fontSize);
}).map(function (m) { return m.textContent; }))"""
HANDOUT = """JSON.stringify({decisions: Array.from(document.querySelectorAll("[data-section=point] .decisions")).filter(function (d) {
  return getComputedStyle(d.closest("section")).display !== "none";
}).length, hasDecisions: document.querySelectorAll("[data-section=point] .decisions").length})"""


def main():
    args = sys.argv[1:]
    sample = "--one-per-kind" in args
    if sample:
        args.remove("--one-per-kind")
    if len(args) != 1:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    executable = axe_check.chromium()
    if executable is None:
        print("skipped: no Chromium (apt-get install chromium)")
        return axe_check.SKIP
    root = args[0]
    pages = sorted(os.path.join(folder, name) for folder, _, names in os.walk(root) for name in names if name.endswith(".html"))
    if sample:
        pages = axe_check.one_per_kind(pages, root)
    problems = []
    browser = axe_check.Browser(executable)
    try:
        browser.call("Emulation.setDeviceMetricsOverride",
                     {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}, session=True)
        for page in pages:
            browser.load("file://" + page)
            width = json.loads(browser.evaluate(WIDTH))["width"]
            if width > 390:
                problems.append(f"{os.path.relpath(page, root)} at 390 px (mobile): {width} px wide")
        browser.resize(1400)
        for page in pages:
            browser.load("file://" + page)
            for small in json.loads(browser.evaluate(CHART_TEXT))[:3]:
                problems.append(f"{os.path.relpath(page, root)} at 1400 px: “{small['text']}” in {small['chart']} at {small['size']:.1f} px")
            for margin in json.loads(browser.evaluate(SMALL_MARGINS))[:3]:
                problems.append(f"{os.path.relpath(page, root)} at 1400 px: the margin “{margin}” is under 80% of its cell's type")
        browser.call("Emulation.setEmulatedMedia", {"media": "print"}, session=True)
        for page in pages:
            browser.load("file://" + page)
            for margin in json.loads(browser.evaluate(SMALL_MARGINS))[:3]:
                problems.append(f"{os.path.relpath(page, root)} on paper: the margin “{margin}” is under 80% of its cell's type")
            if os.path.relpath(page, root).startswith("briefings/") and not page.endswith("index.html"):
                held = json.loads(browser.evaluate(HANDOUT))
                if held["hasDecisions"] and not held["decisions"]:
                    problems.append(f"{os.path.relpath(page, root)}: the handout leaves out the decisions")
                pdf = base64.b64decode(browser.call("Page.printToPDF", {"preferCSSPageSize": True}, session=True)["data"])
                count = pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page/") + pdf.count(b"/Type /Page>") + pdf.count(b"/Type /Page ")
                if count != 1:
                    problems.append(f"{os.path.relpath(page, root)}: the handout prints on {count} pages")
        browser.call("Emulation.setEmulatedMedia", {"media": ""}, session=True)
    finally:
        browser.close()
    for problem in problems:
        print(problem)
    print(f"layout over {len(pages)} pages: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
