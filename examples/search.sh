#!/bin/sh
# pix-search on its own, offline: the loopback fixture server stands in for
# DuckDuckGo, Bing and Wikimedia Commons (their base URLs are overridden
# through the environment, as a user would point them at a proxy or mirror).
# Shows fallback when an engine blocks us, de-duplication across engines
# with found_by, a licence filter, a dry run, pix-search | pix-fetch,
# --probe (which engines work from here) and --capture (raw responses).
#   Usage: sh examples/search.sh [BUILD_DIR]
set -eu
. "$(dirname "$0")/fixture.sh"
use_build "${1:-build}"
work=$(mktemp -d)
at_exit 'rm -rf "$work"'
start_fixture_server "$work"

for engine in duckduckgo bing wikimedia; do
  eval "PIX_ENGINE_$(echo $engine | tr a-z A-Z)_BASE_URL=$FIXTURE/eng/$engine"
  eval "PIX_ENGINE_$(echo $engine | tr a-z A-Z)_INTERVAL=0.2"
  export "PIX_ENGINE_$(echo $engine | tr a-z A-Z)_BASE_URL" "PIX_ENGINE_$(echo $engine | tr a-z A-Z)_INTERVAL"
done
export PIX_ENGINE_WIKIMEDIA_CONTACT=examples@pixcrawler.invalid

# Query records as pix-keywords writes them. The fixture reads "scenario:"
# words: here DuckDuckGo answers the second query with HTTP 429.
cat >"$work/queries.jsonl" <<'JSON'
{"label": "red fox", "query": "red fox", "query_source": "user"}
{"label": "red fox", "query": "red fox photo scenario:ddg-429", "query_source": "template"}
JSON

# --allow-private: the stand-in services are on loopback, which the address
# guard refuses by default.
status=0
pix-search --allow-private --retries 0 --engines duckduckgo,bing,wikimedia --max 20 \
  < "$work/queries.jsonl" > "$work/urls.jsonl" 2> "$work/search.err" || status=$?
cat "$work/search.err"
[ "$status" -eq 1 ] || { echo "expected exit 1 (one engine failure), got $status" >&2; exit 1; }
grep -c '"url"' "$work/urls.jsonl" | grep -qx 40
grep -q '"engine":"duckduckgo","error":{"stage":"search","code":"rate_limited"' "$work/urls.jsonl"
grep -q 'the next engine took over' "$work/search.err"
head -n 1 "$work/urls.jsonl"

# Every engine, merged: URLs several engines found list them all in found_by.
pix-search --allow-private --engines duckduckgo,bing,wikimedia --every-engine --max 120 -q \
  < "$work/queries.jsonl" 2>/dev/null | grep '"found_by":\[{[^]]*},{' | head -n 1

# Only openly licensed images (engines without licences are left out).
pix-search --allow-private --engines duckduckgo,wikimedia --license open --max 5 \
  < "$work/queries.jsonl" > "$work/open.jsonl" 2> "$work/open.err"
grep -q 'duckduckgo reports no licences' "$work/open.err"
grep -c '"license":"\(cc0\|pd\|by\|by-sa\)"' "$work/open.jsonl" | grep -qx 10

# What would be asked, without asking.
pix-search --dry-run --engines duckduckgo,bing,wikimedia -q < "$work/queries.jsonl" | head -n 3

# Search, then download everything found.
pix-search --allow-private --engines bing,wikimedia --max 8 -q < "$work/queries.jsonl" \
  | pix-fetch --allow-private -d "$work/images" -q > "$work/fetched.jsonl"
grep -c '"sha256"' "$work/fetched.jsonl" | grep -qx 16
ls "$work/images/red fox" | head -n 3
# Which engines work from here? One small query each; 0 when one works.
pix-search --probe --allow-private --engines duckduckgo,bing,wikimedia

# Keep the raw responses (keys masked) to turn a changed page into a fixture.
pix-search --allow-private --engines bing --max 3 --capture "$work/capture" -q \
  < "$work/queries.jsonl" > /dev/null
ls "$work/capture" | head -n 3

# Openverse with a registered application's credentials: the id in a
# setting, the secret only in the environment (never on the command line or
# in dataset.yaml). pix-search fetches an access token first and asks for
# pages of up to 500 (here 200); tokens that expire are renewed.
PIX_ENGINE_OPENVERSE_CLIENT_SECRET=pix-test-secret-7Qw2 \
  pix-search --allow-private --base-url "openverse=$FIXTURE/eng/openverse" -e openverse \
  --engine-opt openverse.client_id=pix-test-client --engine-opt openverse.page_size=200 \
  --engine-opt openverse.interval=0 --max 300 < "$work/queries.jsonl" > "$work/ov.jsonl" \
  2> "$work/ov.err"
grep -q 'openverse: 3 requests, 300 results, access tokens fetched: 1' "$work/ov.err"
grep -c '"license"' "$work/ov.jsonl" | grep -qx 300
echo "search example: OK"
