"""pix-validate on hostile and unusual files: each ends in a precise reason
code, never a crash, with bounded memory. The files are made here, at byte
level, from images pix-synth writes (tests/support/hostile_images.py)."""
import os
import resource
import subprocess
import sys
import unittest

from harness import SOURCE_DIR, TempDirTestCase, run, tool

sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "support"))
import hostile_images as hi  # noqa: E402

# Peak memory any single pix-validate run may reach on these files. A decoder
# that trusted a header would need gigabytes (100000x100000 RGB is 30 GB).
MAX_RSS_KB = 512 * 1024


class HostileImagesTest(TempDirTestCase):
    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.base_dir = tempfile.mkdtemp(prefix="pix-hostile-")
        synth = tool("pix-synth")
        subprocess.run([synth, "-d", cls.base_dir, "--quality", "95",
                        "base.jpg:jpg:320x240:1", "base.png:png:320x240:2"], check=True)
        subprocess.run([synth, "-d", cls.base_dir, "--quality", "101", "base.webp:webp:160x120:3"],
                       check=True)
        def read(name):
            with open(os.path.join(cls.base_dir, name), "rb") as f:
                return f.read()
        cls.jpg, cls.png, cls.webp = read("base.jpg"), read("base.png"), read("base.webp")
        cls.files = hi.hostile_set(cls.jpg, cls.png, cls.webp)

    @classmethod
    def tearDownClass(cls):
        import shutil
        shutil.rmtree(cls.base_dir, ignore_errors=True)

    def validate(self, name, data, *args, level="medium", record=None):
        """Writes `data` as `name`, validates it, returns the output record."""
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        rec = dict(record or {}, path=path)
        # Synthetic pictures are smooth; the blur rule is not what these tests check.
        r = run("pix-validate", ["--level", level, "--min-sharpness", "0", *args], records=[rec])
        self.assertIn(r.returncode, (0, 1), r.stderr)
        self.assertNotIn("AddressSanitizer", r.stderr)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        self.assertLess(peak, MAX_RSS_KB, f"{name}: peak RSS {peak} KB")
        self.assertEqual(len(r.records), 1, r.stderr)
        return r.records[0]

    def assertRejected(self, name, reason, *args, level="medium", alone=True):
        out = self.validate(name, self.files[name], *args, level=level)
        self.assertFalse(out["valid"], out)
        if alone:
            self.assertEqual(out["reject"], [reason], out)
        else:
            self.assertIn(reason, out["reject"], out)
        self.assertTrue(out["reject_detail"])
        return out

    def test_bases_are_valid(self):
        for name, data in (("a.jpg", self.jpg), ("a.png", self.png), ("a.webp", self.webp)):
            out = self.validate(name, data)
            self.assertTrue(out["valid"], out)

    def test_truncated_jpeg_png_webp(self):
        self.assertRejected("truncated.jpg", "truncated", level="fast")
        self.assertRejected("truncated.png", "truncated")
        out = self.assertRejected("truncated.webp", "truncated")
        self.assertEqual((out["width"], out["height"]), (160, 120))
        self.assertNotIn("phash", out)  # never decoded

    def test_zero_bytes(self):
        out = self.assertRejected("empty.jpg", "empty_file")
        self.assertEqual(out["format"], "empty")

    def test_garbage_after_valid_header(self):
        self.assertRejected("garbage_after_header.png", "truncated")
        # Headers intact, scan data random: only the decoder can tell.
        fast = self.validate("g.jpg", self.files["garbage_scan.jpg"], level="fast")
        self.assertTrue(fast["valid"], fast)
        self.assertRejected("garbage_scan.jpg", "corrupt_data")
        self.assertRejected("garbage_idat.png", "decode_error")

    def test_png_declaring_100000x100000(self):
        for level in ("fast", "slow"):
            out = self.assertRejected("bomb_100000x100000.png", "too_many_pixels", level=level)
            self.assertEqual((out["width"], out["height"]), (100000, 100000))

    def test_jpeg_claiming_65500x65500(self):
        self.assertRejected("claims_65500x65500.jpg", "too_many_pixels")

    def test_progressive_jpeg_with_thousands_of_scans(self):
        out = self.assertRejected("scan_bomb.jpg", "too_many_scans", level="fast")
        self.assertIn("3001 scans", out["reject_detail"])
        self.assertRejected("scan_bomb.jpg", "too_many_scans", level="slow")

    def test_webp_with_lying_riff_size(self):
        self.assertRejected("riff_too_big.webp", "truncated")
        self.assertRejected("riff_too_small.webp", "truncated")

    def test_html_saved_as_jpg(self):
        out = self.validate("page.jpg", self.files["html_as.jpg"],
                            record={"content_type": "image/jpeg"})
        self.assertEqual(out["reject"], ["not_an_image"])
        self.assertEqual(out["format"], "html")
        self.assertTrue(out["content_type_mismatch"])

    def test_polyglots(self):
        out = self.assertRejected("zip_polyglot.jpg", "polyglot")
        self.assertIn("zip", out["reject_detail"])
        self.assertGreater(out["trailing_bytes"], 0)
        self.assertRejected("script_comment.jpg", "polyglot")
        self.assertRejected("script_text.png", "polyglot")

    def test_animated_png_and_webp(self):
        out = self.assertRejected("animated.png", "animated")
        self.assertEqual(out["frames"], 3)
        out = self.assertRejected("animated.webp", "animated")
        self.assertEqual(out["frames"], 2)
        for name in ("animated.png", "animated.webp"):
            out = self.validate(name, self.files[name], "--allow-animated")
            self.assertTrue(out["valid"], out)
            self.assertRegex(out["phash"], "^[0-9a-f]{16}$")

    def test_cmyk_jpeg(self):
        with open(os.path.join(SOURCE_DIR, "tests", "data", "phash", "cmyk.jpg"), "rb") as f:
            out = self.validate("cmyk.jpg", f.read(), "--min-width", "1", "--min-height", "1")
        self.assertTrue(out["valid"], out)
        self.assertEqual((out["channels"], out["color_space"]), (4, "cmyk"))

    def test_16bit_png(self):
        out = self.validate("rgb16.png", self.files["rgb16.png"])
        self.assertTrue(out["valid"], out)
        self.assertEqual(out["bit_depth"], 16)

    def test_exif_orientation_2_to_8(self):
        for o in range(1, 9):
            data = hi.jpeg_with_exif(self.jpg, orientation=o, make="PixCam")
            out = self.validate(f"o{o}.jpg", data, "--min-width", "300")
            self.assertEqual(out["exif"]["orientation"], o)
            self.assertEqual(out["exif"]["make"], "PixCam")
            displayed = (240, 320) if o >= 5 else (320, 240)
            self.assertEqual((out["width"], out["height"]), displayed)
            # Width 240 as displayed is below --min-width 300 for 5..8 only.
            self.assertEqual(out["valid"], o < 5, out)

    def test_exif_gps_only_on_request(self):
        data = hi.jpeg_with_exif(self.jpg, orientation=1, gps=True)
        out = self.validate("gps.jpg", data)
        self.assertEqual(out["exif"]["gps"], True)
        self.assertNotIn("gps_latitude", out["exif"])
        out = self.validate("gps.jpg", data, "--exif-gps")
        self.assertAlmostEqual(out["exif"]["gps_latitude"], 48 + 51 / 60 + 24 / 3600, places=5)

    def test_crc_mismatch(self):
        self.assertRejected("bad_crc.png", "crc_mismatch", level="fast")

    def test_corrupt_header(self):
        self.assertRejected("zero_width.jpg", "corrupt_header")

    def test_trailing_data(self):
        out = self.validate("t.jpg", self.files["trailing_bytes.jpg"])
        self.assertTrue(out["valid"])
        self.assertEqual(out["trailing_bytes"], 220)
        out = self.validate("t.jpg", self.files["trailing_bytes.jpg"], "--max-trailing-bytes", "100")
        self.assertEqual(out["reject"], ["trailing_data"])

    def test_recognised_but_unsupported(self):
        out = self.validate("x.gif", self.files["image.gif"], "--min-width", "1", "--min-height", "1")
        self.assertEqual((out["format"], out["reject"]), ("gif", ["unsupported_format"]))
        out = self.validate("x.svg", self.files["image.svg"])
        self.assertEqual((out["format"], out["reject"]), ("svg", ["unsupported_format"]))

    def test_whole_set_in_one_run_in_order(self):
        records = []
        for name, data in sorted(self.files.items()):
            path = os.path.join(self.tmp, name)
            with open(path, "wb") as f:
                f.write(data)
            records.append({"path": path, "n": len(records)})
        r = run("pix-validate", ["-c", "4", "--level", "slow"], records=records)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([o["n"] for o in r.records], list(range(len(records))))
        self.assertTrue(all("valid" in o for o in r.records))


if __name__ == "__main__":
    unittest.main()
