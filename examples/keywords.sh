#!/bin/sh
# pix-keywords, offline: templates, WordNet, and a language model (the fake
# OpenAI-compatible server of the test fixtures stands in for Ollama or OpenAI).
#
#   sh examples/keywords.sh [BUILD_DIR]      (default: build)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/${1:-build}/bin"
[ -x "$bin/pix-keywords" ] || { echo "build first: make" >&2; exit 2; }
tmp=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

echo "== templates (the default set) for one label record"
echo '{"label":"red fox","my_field":42}' | "$bin/pix-keywords"

echo "== the classes of examples/dataset.yaml, without WordNet, at most 4 queries each"
"$bin/pix-keywords" --config "$root/examples/dataset.yaml" --no-wordnet \
  --max-queries-per-label 4

if [ -r /usr/share/wordnet/index.noun ]; then
  echo "== WordNet synonyms and hyponyms of 'dog' (sense chosen automatically)"
  "$bin/pix-keywords" -k dog --no-templates --wordnet --max-queries-per-label 12
else
  echo "== WordNet: skipped, /usr/share/wordnet is missing (scripts/install-deps runtime)"
fi

echo "== a language model (a fake OpenAI-compatible server on loopback)"
python3 "$root/tests/fixture_server.py" > "$tmp/server.json" &
server=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$tmp/server.json" ] && break; sleep 0.5; done
port=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "$tmp/server.json")
llm() {
  "$bin/pix-keywords" -k "arctic fox" --no-templates --llm --llm-model good \
    --llm-base-url "http://127.0.0.1:$port/llm/openai/v1" --allow-net 127.0.0.1/32 \
    --llm-cache "$tmp/llm-cache"
}
llm
echo "== the same again: answered from the cache, no request"
llm
