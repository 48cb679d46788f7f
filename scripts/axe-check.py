#!/usr/bin/env python3
"""Run axe-core in headless Chromium over every page of a built site.

    scripts/axe-check.py OUTPUT_FOLDER [--width PX]... [--one-per-kind] [--part K/N]
    scripts/axe-check.py --version     (whether it can run here)

Prints each page's serious and critical violations at each width (1400 px by default; and,
as a serious one of its own, `wider-than-the-screen`: an element that pushes the page
sideways, outside any box that scrolls on its own) as `page at WIDTH: rule (impact): element, ...`
and exits 1 when there is any, 0 when there is none, and 77 (skip) when Chromium or axe-core
is missing, saying which. `--one-per-kind` checks the top pages and, of each folder, its index
and one other page: one of each template. `--part K/N` checks every N-th page from the K-th.

axe-core comes from the `axe-playwright-python` package (installed with `--no-deps`: only its
bundled `axe.min.js` is used, never Playwright). One headless Chromium is started and driven
over the DevTools protocol on a pipe: each page is loaded from disk as it was built, its
Content-Security-Policy bypassed (it forbids scripts, rightly), axe's script evaluated in it
and the results read back. Nothing is written beside the pages.
"""

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
SERIOUS = {"serious", "critical"}


def axe_script():
    spec = importlib.util.find_spec("axe_playwright_python")  # finds, without importing Playwright
    if spec is None or spec.origin is None:
        return None
    path = os.path.join(os.path.dirname(spec.origin), "axe.min.js")
    return path if os.path.exists(path) else None


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


# Run in each page once it has loaded: axe-core's serious and critical violations, and
# elements that push the page sideways (wider than the window, and not inside a box that
# scrolls on its own), as JSON.
CHECK = """(async function () {
  function tooWide() {
    var found = [];
    var width = document.documentElement.clientWidth;
    document.querySelectorAll("body *").forEach(function (element) {
      var box = element.getBoundingClientRect();
      if (box.right <= width + 1 || box.width === 0) return;
      for (var up = element.parentElement; up; up = up.parentElement) {
        var overflow = getComputedStyle(up).overflowX;
        if (overflow === "auto" || overflow === "scroll" || overflow === "hidden") return;
      }
      found.push(element.tagName.toLowerCase() + (element.className && element.className.baseVal === undefined ? "." + element.className.split(" ").join(".") : "")
                 + " (" + Math.round(box.right) + " px)");
    });
    return found;
  }
  var result = await axe.run(document, {resultTypes: ["violations"]});
  var violations = result.violations.map(function (v) {
    return {id: v.id, impact: v.impact, nodes: v.nodes.map(function (n) { return n.target.join(" "); })};
  });
  var wide = tooWide();
  if (wide.length) violations.push({id: "wider-than-the-screen", impact: "serious", nodes: wide});
  return JSON.stringify(violations);
})()"""


class Browser:
    """One headless Chromium, driven over the DevTools protocol on a pipe (file descriptors
    3 and 4 of the browser, messages ended by NUL): one start for every page."""

    def __init__(self, executable):
        self.profile = tempfile.mkdtemp(prefix="cxsite-axe-")
        commands_read, self.commands = os.pipe()
        self.replies, replies_write = os.pipe()

        def descriptors():  # in the child: first out of the way, as the pipes may be 3 and 4 already
            commands, replies = os.dup(commands_read), os.dup(replies_write)
            os.dup2(commands, 3)
            os.dup2(replies, 4)

        self.process = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--remote-debugging-pipe",
             f"--user-data-dir={self.profile}", "about:blank"],
            preexec_fn=descriptors, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(commands_read)
        os.close(replies_write)
        self.pending = b""
        self.next_id = 0
        self.events = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable", session=True)
        # The pages forbid scripts (rightly); axe is added by the checker, not by the page.
        self.call("Page.setBypassCSP", {"enabled": True}, session=True)

    def resize(self, width):
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": 1000, "deviceScaleFactor": 1, "mobile": False}, session=True)

    def receive(self):
        while b"\0" not in self.pending:
            chunk = os.read(self.replies, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.pending += chunk
        message, self.pending = self.pending.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=False):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self.commands, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply["method"])

    def load(self, url):
        self.events = []
        self.call("Page.navigate", {"url": url}, session=True)
        while "Page.loadEventFired" not in self.events:
            reply = self.receive()
            if "method" in reply:
                self.events.append(reply["method"])

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True},
                           session=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"].get("exception", {}).get("description", "the script failed"))
        return result["result"].get("value")

    def close(self):
        try:
            self.call("Browser.close")
        except (RuntimeError, OSError):
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self.commands)
        os.close(self.replies)
        shutil.rmtree(self.profile, ignore_errors=True)


def check(browser, script, page):
    browser.load("file://" + os.path.abspath(page))
    try:
        browser.evaluate(script)
        violations = json.loads(browser.evaluate(CHECK))
    except RuntimeError as error:
        return [{"id": "axe-did-not-run", "impact": "critical", "nodes": [str(error)]}]
    return [v for v in violations if v["impact"] in SERIOUS]


def one_per_kind(pages, root):
    """The pages at the top, and of each folder its index and the first other page: one page of
    each template, for the test suite (`make a11y` checks them all)."""
    chosen, seen = [], {}
    for page in pages:
        folder = os.path.dirname(os.path.relpath(page, root))
        name = os.path.basename(page)
        if not folder or name == "index.html" or not seen.get(folder):
            chosen.append(page)
            seen[folder] = seen.get(folder, False) or name != "index.html"
    return chosen


def main():
    args = sys.argv[1:]
    widths = []
    while "--width" in args:
        index = args.index("--width")
        widths.append(int(args[index + 1]))
        del args[index:index + 2]
    sample = "--one-per-kind" in args
    if sample:
        args.remove("--one-per-kind")
    part, parts = 1, 1
    if "--part" in args:  # K/N: the K-th of N slices of the pages, for checks run side by side
        index = args.index("--part")
        part, parts = (int(number) for number in args[index + 1].split("/"))
        del args[index:index + 2]
    checking = args == ["--version"]  # only whether the check can run: 0, or 77 saying what is missing
    if len(args) != 1:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    browser, script = chromium(), axe_script()
    if browser is None:
        print("skipped: no Chromium (apt-get install chromium)")
        return SKIP
    if script is None:
        print("skipped: no axe-core (pip install --no-deps axe-playwright-python)")
        return SKIP
    if checking:
        print(f"Chromium at {browser}, axe-core at {script}")
        return 0
    pages = sorted(os.path.join(folder, name) for folder, _, names in os.walk(args[0])
                   for name in names if name.endswith(".html"))
    if sample:
        pages = one_per_kind(pages, args[0])
    pages = pages[part - 1::parts]
    with open(script, encoding="utf-8") as f:
        axe = f.read()
    failures = 0
    session = Browser(browser)
    try:
        for width in widths or [1400]:
            session.resize(width)
            for page in pages:
                for violation in check(session, axe, page):
                    failures += 1
                    nodes = ", ".join(violation["nodes"][:3]) + (" …" if len(violation["nodes"]) > 3 else "")
                    print(f"{os.path.relpath(page, args[0])} at {width} px: {violation['id']} ({violation['impact']}): {nodes}")
    finally:
        session.close()
    print(f"axe-core over {len(pages)} pages at {' and '.join(str(width) + ' px' for width in widths or [1400])}: "
          f"{failures} serious or critical violations")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
