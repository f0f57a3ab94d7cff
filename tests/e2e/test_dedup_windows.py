#!/usr/bin/env python3
"""pix-dedup's searches through crop_hashes, end to end on pictures: gray
PNGs made here (standard library only) go through pix-validate, which writes
phash, dhash and crop_hashes, and then through pix-dedup.

- A copy with a caption band along the bottom is found by the window search
  (the top strip against the top strip; the left, right and bottom strips
  are joined the same way), which is on by default.
- A copy with a logo in a corner is found by the window search's corner views
  (view_hashes: the 80% window that leaves that corner out), and a copy
  turned by 5 degrees and straightened by its turned views (the picture
  turned by 4 degrees, against the copy's full frame).
- A copy cropped by 10% (a corner kept) is found by the crop search (a window
  of the original against the copy's full frame), also on by default.
- Unrelated pictures are paired with nothing, by any search."""
import math
import os
import random
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import harness  # noqa: E402
from hostile_images import png_raw  # noqa: E402

W, H = 480, 320


def picture(seed, w=W, h=H):
    """Rows of a gray picture: a dozen random waves and blobs, like the large
    shapes of a photograph."""
    rng = random.Random(seed)
    waves = [(rng.uniform(0.002, 0.03), rng.uniform(0.002, 0.03), rng.uniform(0, 6.3),
              rng.uniform(15, 45)) for _ in range(6)]
    blobs = [(rng.uniform(0, w), rng.uniform(0, h), rng.uniform(30, 120), rng.uniform(-70, 70))
             for _ in range(6)]
    rows = []
    for y in range(h):
        row = bytearray(w)
        for x in range(w):
            v = 128.0
            for fx, fy, ph, amp in waves:
                v += amp * math.sin(fx * x + fy * y + ph)
            for bx, by, r, amp in blobs:
                v += amp * math.exp(-((x - bx) ** 2 + (y - by) ** 2) / (2 * r * r))
            row[x] = max(0, min(255, int(v)))
        rows.append(row)
    return rows


def captioned(rows):
    """A black band over the bottom 10% with white "letters" in it. On this
    picture it moves the pHash by 20 bits and the dHash by 3: beyond both
    full-frame passes (10, and 18 with the dHash pass)."""
    h, w = len(rows), len(rows[0])
    out = [bytearray(r) for r in rows]
    band = int(h * 0.9)
    for y in range(band, h):
        for x in range(w):
            letter = (x // 7) % 3 != 2 and w // 8 < x < w * 7 // 8 and band + 6 < y < h - 6
            out[y][x] = 235 if letter else 0
    return out


def side_band(rows):
    """A black band with white marks over the right 10%, as a vertical
    watermark: the top and bottom strips both hold it, the left strip not."""
    h, w = len(rows), len(rows[0])
    out = [bytearray(r) for r in rows]
    band = int(w * 0.9)
    for y in range(h):
        for x in range(band, w):
            mark = (y // 7) % 3 != 2 and h // 8 < y < h * 7 // 8 and band + 6 < x < w - 6
            out[y][x] = 235 if mark else 0
    return out


def with_logo(rows):
    """A black badge with white lettering, a sixth of the width and of the
    height, near the top right corner, as reposts stamp them."""
    h, w = len(rows), len(rows[0])
    out = [bytearray(r) for r in rows]
    bw, bh, pad = w * 3 // 16, h * 3 // 16, 2
    x0, y0 = w - pad - bw, pad
    for y in range(y0, y0 + bh):
        for x in range(x0, x0 + bw):
            letter = (x // 5) % 3 != 2 and x0 + 6 < x < x0 + bw - 6 and y0 + 6 < y < y0 + bh - 6
            out[y][x] = 250 if letter else 0
    return out


def turned(rows, degrees):
    """The picture turned by `degrees` about its centre and enlarged until no
    empty corner shows (a photo editor's straightening), bilinear."""
    h, w = len(rows), len(rows[0])
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    enlarge = max((w * c + h * abs(s)) / w, (w * abs(s) + h * c) / h)
    out = []
    for y in range(h):
        row = bytearray(w)
        for x in range(w):
            dx, dy = (x + 0.5 - w / 2) / enlarge, (y + 0.5 - h / 2) / enlarge
            sx, sy = w / 2 + dx * c - dy * s - 0.5, h / 2 + dx * s + dy * c - 0.5
            x0, y0 = int(math.floor(sx)), int(math.floor(sy))
            fx, fy = sx - x0, sy - y0

            def at(px, py):
                return rows[min(max(py, 0), h - 1)][min(max(px, 0), w - 1)]
            top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx
            bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx
            row[x] = max(0, min(255, round(top * (1 - fy) + bottom * fy)))
        out.append(row)
    return out


def cropped(rows, fraction=0.1):
    """The bottom-right (1 - fraction) of the picture: 10% off the left and top."""
    h, w = len(rows), len(rows[0])
    return [bytearray(r[round(w * fraction):]) for r in rows[round(h * fraction):]]


class DedupWindowsTest(harness.TempDirTestCase):
    def write(self, name, rows):
        path = os.path.join(self.tmp, name + ".png")
        with open(path, "wb") as f:
            f.write(png_raw(len(rows[0]), len(rows), rows, 8, 0))
        return path

    def validated(self, pictures):
        records = [{"path": self.write(name, rows)} for name, rows in pictures.items()]
        r = harness.run("pix-validate", ["-q"], records=records)
        self.assertEqual(r.returncode, 0, r.stderr)
        for x in r.records:
            self.assertTrue(x["valid"], x)
            self.assertEqual(len(x["crop_hashes"]), 448)
        return r.records

    def pairs(self, records, args):
        """The pairs (duplicate and the image it names, sorted by name) of pix-dedup --mark."""
        r = harness.run("pix-dedup", ["-q", "--mark", *args], records=records)
        self.assertEqual(r.returncode, 0, r.stderr)
        name = {x["path"]: os.path.basename(x["path"])[:-4] for x in r.records}
        return {tuple(sorted((name[x["dup_of"]], name[x["path"]]))) for x in r.records
                if "dup_of" in x}

    def test_caption_by_default_and_crop_with_the_crop_search(self):
        base = picture(1)
        others = {f"other{k}": picture(100 + k) for k in range(6)}
        records = self.validated({"base": base, "caption": captioned(base),
                                  "crop10": cropped(base), **others})
        by = {os.path.basename(x["path"])[:-4]: x for x in records}

        def bits(copy, field):
            return bin(int(by["base"][field], 16) ^ int(by[copy][field], 16)).count("1")

        # Beyond the full-frame passes: the pHash pass (10 bits) and the dHash
        # pass (dHash 5 bits and pHash 18).
        for copy in ("caption", "crop10"):
            self.assertGreater(bits(copy, "phash"), 10, copy)
            self.assertTrue(bits(copy, "phash") > 18 or bits(copy, "dhash") > 5, copy)
        # Both by default: the caption by the window search, the crop by the crop search.
        self.assertEqual(self.pairs(records, []), {("base", "caption"), ("base", "crop10")})
        found = self.pairs(records, ["--crop-threshold", "-1"])
        self.assertIn(("base", "caption"), found)
        self.assertFalse({p for p in found if "other" in p[0] + p[1]}, found)
        # (The crop is a near miss for the window search: on this picture a
        # corner view and a turned view are 10 bits from it, at the radius.)
        found = self.pairs(records, ["--crop-threshold", "-1", "--window-threshold", "-1"])
        self.assertEqual(found, set())
        # The crop search alone finds both (a window that leaves the band out is near a frame).
        found = self.pairs(records, ["--window-threshold", "-1"])
        self.assertEqual(found, {("base", "caption"), ("base", "crop10")})
        # The crop search alone, one window at a time (the window that finds the crop is the
        # ninth of its picture): the same output, byte for byte, and the same summary.
        outputs = [harness.run("pix-dedup", ["--mark", "--window-threshold", "-1",
                                             "--crop-threshold", "12", *batch], records=records)
                   for batch in ([], ["--crop-batch", "1"])]
        for r in outputs:
            self.assertEqual(r.returncode, 0, r.stderr)
            dups = {os.path.basename(x["path"])[:-4] for x in r.records if "dup_of" in x}
            self.assertEqual(dups, {"caption", "crop10"}, r.stderr)
        self.assertEqual(outputs[0].stdout, outputs[1].stdout)
        summary = [re.search(r"\d+ more pairs through crop hashes", r.stderr) for r in outputs]
        self.assertIsNotNone(summary[0], outputs[0].stderr)
        self.assertEqual(summary[0].group(0), summary[1].group(0) if summary[1] else None)

    def test_a_band_along_one_side_is_found_by_the_opposite_strip(self):
        base = picture(16)  # the band moves its pHash by 24 bits: beyond both full-frame passes
        others = {f"other{k}": picture(200 + k) for k in range(6)}
        records = self.validated({"base": base, "band": side_band(base), **others})
        by = {os.path.basename(x["path"])[:-4]: x for x in records}
        phash = bin(int(by["base"]["phash"], 16) ^ int(by["band"]["phash"], 16)).count("1")
        dhash = bin(int(by["base"]["dhash"], 16) ^ int(by["band"]["dhash"], 16)).count("1")
        self.assertGreater(phash, 10)
        self.assertTrue(phash > 18 or dhash > 5, (phash, dhash))
        # The top and bottom strips both hold the band: only the left strip (the window search's
        # second pass) finds the copy.
        windows = [by[n]["crop_hashes"][32 * k:32 * k + 16]
                   for n in ("base", "band") for k in (9, 11, 12)]
        left, top, bottom = (bin(int(windows[k], 16) ^ int(windows[k + 3], 16)).count("1")
                             for k in range(3))
        self.assertLessEqual(left, 10)
        self.assertGreater(min(top, bottom), 10, (top, bottom))
        self.assertEqual(self.pairs(records, ["--crop-threshold", "-1"]), {("band", "base")})
        self.assertEqual(
            self.pairs(records, ["--crop-threshold", "-1", "--window-threshold", "-1"]), set())

    def bits(self, by, a, b, field, k=None):
        x, y = by[a][field], by[b][field]
        if k is not None:
            x, y = x[32 * k:32 * k + 16], y[32 * k:32 * k + 16]
        return bin(int(x, 16) ^ int(y, 16)).count("1")

    def test_a_corner_logo_is_found_by_the_view_that_leaves_that_corner_out(self):
        base = picture(9)
        others = {f"other{k}": picture(400 + k) for k in range(6)}
        records = self.validated({"base": base, "logo": with_logo(base), **others})
        by = {os.path.basename(x["path"])[:-4]: x for x in records}
        self.assertEqual(len(by["logo"]["view_hashes"]), 192)
        # Beyond the full-frame pHash pass; on these smooth pictures the
        # badge hardly moves the dHash, so the dHash pass is turned off to
        # leave the corner views alone.
        self.assertGreater(self.bits(by, "base", "logo", "phash"), 10)
        # View 0 leaves out the top right corner: it does not see the badge.
        self.assertLessEqual(self.bits(by, "base", "logo", "view_hashes", 0), 2)
        self.assertGreater(self.bits(by, "base", "logo", "view_hashes", 3), 10)
        self.assertEqual(self.pairs(records, ["--dhash-near", "-1"]), {("base", "logo")})
        off = ["--window-threshold", "-1", "--crop-threshold", "-1"]
        self.assertEqual(self.pairs(records, ["--dhash-near", "-1", *off]), set())
        # The crop search finds it too (a window of the copy away from the badge).
        self.assertEqual(self.pairs(records, ["--dhash-near", "-1", "--window-threshold", "-1"]),
                         {("base", "logo")})

    def test_a_turned_copy_is_found_by_the_view_turned_the_same_way(self):
        base = picture(12)
        others = {f"other{k}": picture(500 + k) for k in range(6)}
        records = self.validated({"base": base, "left6": turned(base, 6),
                                  "right6": turned(base, -6), **others})
        by = {os.path.basename(x["path"])[:-4]: x for x in records}
        for copy, view in (("left6", 4), ("right6", 5)):
            phash = self.bits(by, "base", copy, "phash")
            dhash = self.bits(by, "base", copy, "dhash")
            # Beyond both full-frame passes (pHash 10; dHash 5 with pHash 18).
            self.assertTrue(phash > 18 or (phash > 10 and dhash > 5), (copy, phash, dhash))
            # The base's view turned by 4 degrees the same way is near the copy's frame.
            near = bin(int(by["base"]["view_hashes"][32 * view:32 * view + 16], 16) ^
                       int(by[copy]["phash"], 16)).count("1")
            self.assertLessEqual(near, 6, copy)
        # One cluster of the three (which one is kept depends on file size).
        found = self.pairs(records, [])
        self.assertEqual({name for p in found for name in p}, {"base", "left6", "right6"})
        self.assertEqual(len(found), 2, found)
        self.assertEqual(
            self.pairs(records, ["--window-threshold", "-1", "--crop-threshold", "-1"]), set())


if __name__ == "__main__":
    unittest.main()
