#!/usr/bin/env python3
"""The dependency rule of ARCHITECTURE.md, checked: an #include in lib/ may
point down the layer order (base -> jsonl -> services -> stages -> drivers),
never up, and a stage may not include another stage. The few known
exceptions are listed below with their reason; a new one fails this test.

Run by ctest (test name: layers); by hand: python3 tests/lint/check_layers.py."""
import os
import re
import sys

LAYERS = {
    "base": 1,
    "jsonl": 2,
    "http": 3, "image": 3, "hash": 3, "store": 3, "llm": 3, "text": 3, "config": 3,
    "keywords": 4, "engines": 4, "fetch": 4, "validate": 4, "dedup": 4, "label": 4, "pack": 4,
    "run": 5, "serve": 5,
}
STAGE = 4

# (from module, to module): why it is allowed. None today: a shared need
# moves down a layer instead (text/ holds the WordNet reader pix-keywords and
# pix-label share; each stage parses its own dataset.yaml section).
EXCEPTIONS = {}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"', re.M)


def main():
    root = os.environ.get("PIX_SOURCE_DIR") or os.path.dirname(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    lib = os.path.join(root, "lib")
    problems = []
    for module in sorted(os.listdir(lib)):
        folder = os.path.join(lib, module)
        if not os.path.isdir(folder):
            continue
        if module not in LAYERS:
            problems.append(f"lib/{module}: not in the layer table of tests/lint/check_layers.py "
                            "(and ARCHITECTURE.md)")
            continue
        for name in sorted(os.listdir(folder)):
            if not name.endswith((".h", ".cpp")) or name.endswith("_test.cpp"):
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                text = f.read()
            for target in INCLUDE.findall(text):
                if target == module or target not in LAYERS:
                    continue
                up = LAYERS[target] > LAYERS[module]
                sideways = LAYERS[target] == LAYERS[module] == STAGE
                if (up or sideways) and (module, target) not in EXCEPTIONS:
                    kind = "up the layer order" if up else "into another stage"
                    problems.append(f"lib/{module}/{name} includes {target}/: {kind}")
    for p in problems:
        print("layers: " + p)
    print(f"layers: {len(problems)} include(s) against the dependency rule")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
