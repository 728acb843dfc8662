#!/bin/sh
# Renders a results folder's report.html in headless Chromium and saves a screenshot beside it,
# to check by eye that the page, its charts and tables render in a real browser.
# Usage: plot/check-report.sh [RESULTS_DIR]   (default: results/latest)
set -eu
dir=${1:-results/latest}
[ -f "$dir/report.html" ] || { echo "no report.html in $dir: run mvn -pl bench verify, or java -jar plot/target/iolab-plot.jar $dir" >&2; exit 2; }
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "installing chromium (Debian package) ..." >&2
    apt-get install -y chromium >/dev/null || { apt-get update >/dev/null && apt-get install -y chromium >/dev/null; }
    browser=$(command -v chromium)
fi
out="$dir/report-screenshot.png"
"$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars --window-size=1280,6000 \
    --screenshot="$(realpath "$dir")/report-screenshot.png" "file://$(realpath "$dir")/report.html" 2>/dev/null
echo "screenshot: $out"
