#!/bin/sh
# pix-label on its own: the offline evidence backend on records as pix-dedup
# leaves them (one clear jaguar, one "jaguar" that is a car, one picture
# found under two labels), then a vision model (the fixture server's fake
# one) asked about the same pictures.
#   Usage: sh examples/label.sh [BUILD_DIR]
set -eu
. "$(dirname "$0")/fixture.sh"
use_build "${1:-build}"
work=$(mktemp -d)
at_exit 'rm -rf "$work"'

cat >"$work/unique.jsonl" <<'JSON'
{"label":"jaguar","path":"tall.jpg","title":"Jaguar (Panthera onca) at rest","url":"https://a.example/jaguar-1.jpg","sha256":"aa","found_by":[{"engine":"bing","query":"jaguar","rank":2},{"engine":"duckduckgo","query":"jaguar animal","rank":1}]}
{"label":"jaguar","path":"wide.jpg","title":"Jaguar F-Type sports car","url":"https://cars.example/f-type.jpg","sha256":"bb","found_by":[{"engine":"bing","query":"jaguar","rank":41}]}
{"label":"car","path":"wide2.jpg","title":"F-Type at the show","url":"https://b.example/x.jpg","sha256":"cc","found_by":[{"engine":"bing","query":"car","rank":3},{"engine":"google","query":"sports car","rank":1},{"engine":"bing","query":"jaguar","rank":30,"label":"jaguar"}]}
JSON

# show FILE FIELD...: those fields of every record, one record a line.
show() {
  python3 -c 'import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    print({k: r.get(k, (r.get("label_evidence") or {}).get(k)) for k in sys.argv[2:]})' "$@"
}

# Offline: confidence, review flags and the reasons.
pix-label --report "$work/report.json" <"$work/unique.jsonl" >"$work/labelled.jsonl"
show "$work/labelled.jsonl" label label_confidence needs_review review
# Only the car filed as "jaguar" needs a person; the picture also found
# under "jaguar" keeps "car", which the evidence clearly prefers: the
# conflict is recorded (found_under) but settled.
[ "$(grep -c '"needs_review":true' "$work/labelled.jsonl")" -eq 1 ]
tail -n 1 "$work/labelled.jsonl" | grep -q '"found_under":{"car":'
grep -q '"jaguar":{"images":2' "$work/report.json"

# Only the confident ones go on; the rest to a side file for a person.
pix-label -q --drop-below 0.5 --rejects "$work/doubtful.jsonl" <"$work/unique.jsonl" >"$work/sure.jsonl"
[ "$(wc -l <"$work/sure.jsonl")" -eq 2 ] && [ "$(wc -l <"$work/doubtful.jsonl")" -eq 1 ]

# A vision model refines the verdicts (the fake one sees a car in landscape
# pictures and a jaguar in portrait ones); --relabel moves the car.
pix-synth -d "$work" tall.jpg:jpg:300x400:1 wide.jpg:jpg:400x300:2 wide2.jpg:jpg:400x300:3
start_fixture_server "$work"
pix-label --backend evidence,vlm --relabel --base-dir "$work" --allow-private \
  --llm-base-url "$FIXTURE/vlm/openai/v1" --llm-model good --llm-cache "$work/cache" \
  <"$work/unique.jsonl" >"$work/checked.jsonl"
show "$work/checked.jsonl" label label_confidence label_source needs_review moved_from
grep '"url":"https://cars.example/f-type.jpg"' "$work/checked.jsonl" | grep -q '"label":"car"' 
echo "label example: OK"
