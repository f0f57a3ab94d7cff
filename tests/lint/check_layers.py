#!/usr/bin/env python3
"""The dependency rule of ARCHITECTURE.md, checked: an #include in lib/ may
point down the layer order (base -> jsonl -> services -> stages -> drivers),
never up, and a stage may not include another stage. Exceptions would be
listed below with their reason; there are none.

Run when lib/ is built (a violation fails the build), by ctest (test name:
layers), and by hand: python3 tests/lint/check_layers.py."""
import os
import re
import sys

# Each module states its layer in the first line of its CMakeLists.txt
# ("# layer: 4 (stage)"), so a new module is added in its own folder.
LAYER_LINE = re.compile(r"^# layer: ([1-5]) ")
STAGE = 4

# (from module, to module): why it is allowed. None today: a shared need
# moves down a layer instead (text/ holds the WordNet reader pix-keywords and
# pix-label share; each stage parses its own dataset.yaml section).
EXCEPTIONS = {}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"', re.M)


def read_layers(lib, problems):
    """{module: layer} from each module's CMakeLists.txt."""
    layers = {}
    for module in sorted(os.listdir(lib)):
        cmake = os.path.join(lib, module, "CMakeLists.txt")
        if not os.path.isfile(cmake):
            continue
        with open(cmake, encoding="utf-8") as f:
            match = LAYER_LINE.match(f.readline())
        if match:
            layers[module] = int(match.group(1))
        else:
            problems.append(f"lib/{module}/CMakeLists.txt: the first line must state the layer "
                            "(\"# layer: N (name)\", N from 1 base to 5 driver; ARCHITECTURE.md)")
    return layers


def main():
    root = os.environ.get("PIX_SOURCE_DIR") or os.path.dirname(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    lib = os.path.join(root, "lib")
    problems = []
    LAYERS = read_layers(lib, problems)
    for module in sorted(LAYERS):
        folder = os.path.join(lib, module)
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
