#!/usr/bin/env python3
"""Synthetic 64-bit perceptual hashes for the dedup speed benchmark.

Real pHashes are not uniform: the DC bit is almost always set and the other
bits are biased. Background hashes draw each bit with its own probability
(0.98 for the DC bit, 0.25..0.75 for the others); a fifth of the hashes sit in
planted clusters of 2..12 near copies, each a centre with 0..8 bits flipped,
so copies are up to 16 bits apart. Order is shuffled.

    gen.py N SEED HASHES.bin [RECORDS.jsonl]
RECORDS.jsonl holds the same hashes as pix-validate-style records.
"""
import json
import random
import struct
import sys


def main():
    n, seed, bin_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    jsonl_path = sys.argv[4] if len(sys.argv) > 4 else None
    rng = random.Random(seed)
    prob = [0.98] + [rng.uniform(0.25, 0.75) for _ in range(63)]
    thresholds = [int(p * 2**32) for p in prob]

    def background():
        h = 0
        for i, t in enumerate(thresholds):
            if rng.getrandbits(32) < t:
                h |= 1 << (63 - i)
        return h

    hashes = []
    clustered = n // 5
    while len(hashes) < clustered:
        centre = background()
        for _ in range(min(rng.randint(2, 12), clustered - len(hashes))):
            h = centre
            for _ in range(rng.randint(0, 8)):
                h ^= 1 << rng.randrange(64)
            hashes.append(h)
    while len(hashes) < n:
        hashes.append(background())
    rng.shuffle(hashes)

    with open(bin_path, "wb") as f:
        f.write(struct.pack(f"<{n}Q", *hashes))
    if jsonl_path:
        with open(jsonl_path, "w") as f:
            for i, h in enumerate(hashes):
                w, hh = 320 + i % 1600, 240 + (i * 7) % 1200
                rec = {"url": f"https://img.example/{i}.jpg", "path": f"images/x/{i:07x}.jpg",
                       "sha256": f"{rng.getrandbits(256):064x}", "width": w, "height": hh,
                       "quality": {"score": round(rng.random(), 3)},
                       "phash": f"{h:016x}", "dhash": f"{rng.getrandbits(64):016x}",
                       "found_by": [{"engine": "bing", "query": "cat", "rank": i % 100}]}
                f.write(json.dumps(rec, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
