#!/usr/bin/env bash
# Screenshots and PDF prints of the sample site's briefing, scorecard, a journey and the gap
# page, as a reader meets them: at 1400 px in light and dark mode, at 390 px (a phone), and
# printed (Letter; the stylesheet also fits A4). Writes docs/screenshots/. Needs Chromium.
#   scripts/screenshots.sh [CXSITE_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
cxsite="${1:-.build/release/cxsite}"
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome)"
out="docs/screenshots"
site="$(mktemp -d)"
trap 'rm -rf "$site"' EXIT
"$cxsite" build --quiet --no-cache --output "$site/public"
mkdir -p "$out"
shoot() { "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars "$@" 2>/dev/null; }
for page in index:briefing scorecard/index:scorecard journeys/joining:journey gap/index:gap; do
  path="${page%%:*}" name="${page##*:}" url="file://$site/public/${page%%:*}.html"
  shoot --window-size=1400,1000 --screenshot="$out/$name-1400.png" "$url"
  shoot --window-size=1400,1000 --force-dark-mode --blink-settings=preferredColorScheme=0 --screenshot="$out/$name-1400-dark.png" "$url"
  shoot --window-size=390,1500 --screenshot="$out/$name-390.png" "$url"
  shoot --no-pdf-header-footer --print-to-pdf="$out/$name.pdf" "$url"
done
ls -l "$out"
