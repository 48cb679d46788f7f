#!/usr/bin/env python3
"""Run axe-core in headless Chromium over every page of a built site.

    scripts/axe-check.py OUTPUT_FOLDER [--width PX]
    scripts/axe-check.py --version     (whether it can run here)

Prints each page's serious and critical violations (and, as a serious one of its own,
`wider-than-the-screen`: an element that pushes the page sideways, outside any box that
scrolls on its own) as `page: rule (impact): element, ...`
and exits 1 when there is any, 0 when there is none, and 77 (skip) when Chromium or axe-core
is missing, saying which.

axe-core comes from the `axe-playwright-python` package (installed with `--no-deps`: only its
bundled `axe.min.js` is used, never Playwright). Each page is copied beside itself with the
Content-Security-Policy removed (it forbids scripts, rightly) and axe's script added; Chromium
runs it with a virtual-time budget and prints the DOM, from which the results are read. The
copies are removed again.
"""

import concurrent.futures
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


RUNNER = """<script src="file://%s"></script><script>
// Elements that push the page sideways: wider than the window, and not inside a box that
// scrolls on its own.
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
axe.run(document, {resultTypes: ["violations"]}).then(function (result) {
  var out = document.createElement("pre");
  out.id = "axe-result";
  var violations = result.violations.map(function (v) {
    return {id: v.id, impact: v.impact, nodes: v.nodes.map(function (n) { return n.target.join(" "); })};
  });
  var wide = tooWide();
  if (wide.length) violations.push({id: "wider-than-the-screen", impact: "serious", nodes: wide});
  out.textContent = JSON.stringify(violations);
  document.body.appendChild(out);
}).catch(function (error) {
  var out = document.createElement("pre");
  out.id = "axe-error";
  out.textContent = String(error);
  document.body.appendChild(out);
});
</script>"""


def check(browser, script, page, width):
    copy = os.path.abspath(page[:-len(".html")] + ".axe-check.html")
    with open(page, encoding="utf-8") as f:
        html = f.read()
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    html = html.replace("</body>", RUNNER % script + "</body>")
    with open(copy, "w", encoding="utf-8") as f:
        f.write(html)
    profile = tempfile.mkdtemp(prefix="cxsite-axe-")  # one each: two Chromiums cannot share one
    try:
        dom = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--window-size={width},1000", f"--user-data-dir={profile}", "--virtual-time-budget=30000",
             "--dump-dom", "file://" + copy],
            capture_output=True, text=True, timeout=120).stdout
    finally:
        os.remove(copy)
        shutil.rmtree(profile, ignore_errors=True)
    found = re.search(r'<pre id="axe-result">(.*?)</pre>', dom, re.S)
    if not found:
        error = re.search(r'<pre id="axe-error">(.*?)</pre>', dom, re.S)
        return [{"id": "axe-did-not-run", "impact": "critical", "nodes": [error.group(1) if error else "no result"]}]
    text = found.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    return [v for v in json.loads(text) if v["impact"] in SERIOUS]


def main():
    args = sys.argv[1:]
    width = 1400
    if "--width" in args:
        index = args.index("--width")
        width = int(args[index + 1])
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
                   for name in names if name.endswith(".html") and not name.endswith(".axe-check.html"))
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda page: (page, check(browser, script, page, width)), pages))
    failures = 0
    for page, violations in results:
        for violation in violations:
            failures += 1
            nodes = ", ".join(violation["nodes"][:3]) + (" …" if len(violation["nodes"]) > 3 else "")
            print(f"{os.path.relpath(page, args[0])}: {violation['id']} ({violation['impact']}): {nodes}")
    print(f"axe-core over {len(pages)} pages at {width} px: {failures} serious or critical violations")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
