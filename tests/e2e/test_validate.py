"""pix-validate end to end: levels, fields, hashes against the golden values,
errors, pass-through, order, flags and exit codes."""
import json
import os
import subprocess
import unittest

from harness import SOURCE_DIR, TempDirTestCase, run, tool

GOLDEN_DIR = os.path.join(SOURCE_DIR, "tests", "data", "phash")


def synth(directory, *specs, quality=90):
    subprocess.run([tool("pix-synth"), "-d", directory, "--quality", str(quality), *specs], check=True)


class ValidateTest(TempDirTestCase):
    def setUp(self):
        super().setUp()
        synth(self.tmp, "a.jpg:jpg:640x480:1", "b.png:png:300x200:2", "c.webp:webp:400x300:3",
              "tiny.png:png:40x30:4", "wide.png:png:400x100:5")

    def recs(self, *names, **extra):
        return [dict(extra, path=os.path.join(self.tmp, n)) for n in names]

    def test_levels_include_each_other(self):
        names = ("a.jpg", "b.png", "c.webp")
        fast = run("pix-validate", ["--level", "fast"], records=self.recs(*names))
        medium = run("pix-validate", ["--level", "medium"], records=self.recs(*names))
        slow = run("pix-validate", ["--level", "slow"], records=self.recs(*names))
        for r in (fast, medium, slow):
            self.assertEqual(r.returncode, 0, r.stderr)
        for f, m, s in zip(fast.records, medium.records, slow.records):
            for key in ("format", "width", "height", "channels", "bit_depth"):
                self.assertEqual(f[key], m[key])
                self.assertEqual(m[key], s[key])
            self.assertNotIn("phash", f)
            self.assertNotIn("metrics", f)
            self.assertEqual(m["phash"], s["phash"])
            self.assertEqual(m["metrics"], s["metrics"])
            self.assertNotIn("quality", m)
            self.assertTrue(0 <= s["quality"]["score"] <= 1)
            self.assertEqual(set(s["quality"]["parts"]) - {"blockiness", "jpeg_quality"},
                             {"resolution", "sharpness", "exposure", "contrast", "noise"})
            self.assertEqual(s["validate_level"], "slow")
        a = fast.records[0]
        self.assertEqual((a["format"], a["width"], a["height"], a["channels"]), ("jpeg", 640, 480, 3))
        self.assertEqual(a["jpeg_quality"], 90)
        self.assertEqual(medium.records[2]["format"], "webp")

    def test_size_rules(self):
        r = run("pix-validate", ["--level", "fast"], records=self.recs("tiny.png", "wide.png", "b.png"))
        tiny, wide, ok = r.records
        self.assertEqual(tiny["reject"], ["too_small"])
        self.assertEqual(wide["reject"], ["odd_aspect_ratio"])
        self.assertEqual(ok["reject"], [])
        r = run("pix-validate", ["--level", "fast", "--min-aspect", "0.2", "--max-pixels", "59999"],
                records=self.recs("wide.png", "b.png"))
        self.assertEqual([o["reject"] for o in r.records], [[], ["too_many_pixels"]])
        r = run("pix-validate", ["--level", "fast", "--max-bytes", "100"], records=self.recs("b.png"))
        self.assertEqual(r.records[0]["reject"], ["file_too_large"])

    def test_hashes_match_imagehash_golden_values(self):
        with open(os.path.join(GOLDEN_DIR, "golden.json"), encoding="utf-8") as f:
            golden = json.load(f)
        records = [{"path": os.path.join(GOLDEN_DIR, n), "name": n} for n in sorted(golden)]
        records.append({"path": os.path.join(SOURCE_DIR, "tests", "data", "imagehash.png"),
                        "name": "imagehash.png"})
        golden["imagehash.png"] = {"phash": "ba8c84536bd3c366", "dhash": "0026273b2b19550e"}
        r = run("pix-validate", ["-c", "2", "--min-width", "1", "--min-height", "1",
                                 "--min-aspect", "0"], records=records)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        self.assertEqual(len(r.records), len(golden))
        for out in r.records:
            want = golden[out["name"]]
            self.assertEqual((out["phash"], out["dhash"]), (want["phash"], want["dhash"]), out["name"])

    def test_fast_hash_is_separate_and_close(self):
        exact = run("pix-validate", records=self.recs("a.jpg")).records[0]
        fast = run("pix-validate", ["--hash", "fast"], records=self.recs("a.jpg")).records[0]
        self.assertNotIn("phash", fast)
        self.assertRegex(fast["phash_fast"], "^[0-9a-f]{16}$")
        distance = bin(int(exact["phash"], 16) ^ int(fast["phash_fast"], 16)).count("1")
        self.assertLessEqual(distance, 12)
        # crop_hashes: 14 windows, pHash then dHash each; the full frame's
        # hashes are close to the centred 95% window's.
        self.assertRegex(exact["crop_hashes"], "^[0-9a-f]{448}$")
        centre = exact["crop_hashes"][13 * 32:13 * 32 + 16]
        self.assertLessEqual(bin(int(exact["phash"], 16) ^ int(centre, 16)).count("1"), 16)
        no_crops = run("pix-validate", ["--no-crop-hashes"], records=self.recs("a.jpg")).records[0]
        self.assertNotIn("crop_hashes", no_crops)
        self.assertEqual(no_crops["phash"], exact["phash"])
        none = run("pix-validate", ["--hash", "none"], records=self.recs("a.jpg")).records[0]
        self.assertFalse({"phash", "dhash", "phash_fast", "crop_hashes"} & set(none))
        self.assertIn("metrics", none)

    def test_pixel_hash_ignores_metadata(self):
        with open(os.path.join(self.tmp, "b.png"), "rb") as f:
            png = f.read()
        # Same pixels with an extra text chunk: different bytes, same pixel_hash.
        import struct
        import zlib
        chunk = b"tEXt" + b"Author\0someone"
        text = struct.pack(">I", len(chunk) - 4) + chunk + struct.pack(">I", zlib.crc32(chunk))
        with open(os.path.join(self.tmp, "b2.png"), "wb") as f:
            f.write(png[:33] + text + png[33:])
        r = run("pix-validate", records=self.recs("b.png", "b2.png", "a.jpg"))
        b, b2, a = r.records
        self.assertEqual(b["pixel_hash"], b2["pixel_hash"])
        self.assertNotEqual(a["pixel_hash"], b["pixel_hash"])

    def test_record_errors_and_pass_through(self):
        records = [{"url": "http://x/1"}, {"path": os.path.join(self.tmp, "missing.jpg")},
                   {"path": self.tmp},
                   {"path": "x.jpg", "error": {"stage": "fetch", "code": "http_404", "message": "x"}},
                   {"path": os.path.join(self.tmp, "b.png")}]
        text = "".join(json.dumps(r) + "\n" for r in records[:-1])
        # Unknown fields pass through byte for byte (number spelling included).
        text += '{"path": "%s", "user":{"keep":[1,2.50]}}\n' % records[-1]["path"]
        r = run("pix-validate", text=text)
        self.assertEqual(r.returncode, 1, r.stderr)
        out = r.records
        self.assertEqual(out[0]["error"]["code"], "no_path")
        self.assertEqual(out[1]["error"]["code"], "file_not_found")
        self.assertEqual(out[2]["error"]["code"], "read_error")
        self.assertEqual(out[3], records[3])
        self.assertNotIn("valid", out[3])
        self.assertTrue(out[4]["valid"])
        self.assertIn('"user":{"keep":[1,2.50]}', r.stdout.splitlines()[4])
        self.assertIn("3 failed", r.stderr)

    def test_rerun_replaces_its_fields(self):
        first = run("pix-validate", ["--level", "slow"], records=self.recs("a.jpg")).records[0]
        again = run("pix-validate", ["--level", "fast"], records=[first]).records[0]
        self.assertEqual(again["validate_level"], "fast")
        self.assertNotIn("quality", again)
        self.assertNotIn("phash", again)

    def test_min_quality(self):
        r = run("pix-validate", ["--level", "slow", "--min-quality", "0.99"], records=self.recs("a.jpg"))
        self.assertIn("low_quality", r.records[0]["reject"])
        r = run("pix-validate", ["--min-quality", "0.5"], records=self.recs("a.jpg"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("--level slow", r.stderr)

    def test_content_concerns_are_flags_not_rejections(self):
        synth(self.tmp, "x.png:png:300x200:9", quality=95)
        base = run("pix-validate", ["--min-sharpness", "0"], records=self.recs("x.png")).records[0]
        self.assertTrue(base["valid"], base)
        self.assertEqual(base["flags"], [])
        self.assertNotIn("flag_values", base)
        m = base["metrics"]
        cases = [("--dark", m["luma_p99"] + 0.01, "dark", "luma_p99"),
                 ("--light", m["luma_p05"] - 0.01, "overexposed", "luma_p05"),
                 ("--min-contrast", m["contrast"] + 0.01, "low_contrast", "contrast"),
                 ("--min-entropy", m["entropy"] + 0.1, "low_information", "entropy"),
                 ("--min-sharpness", m["sharpness"] + 1, "blurry", "sharpness"),
                 ("--max-uniform", m["uniform_fraction"], "near_uniform", "uniform_fraction")]
        for flag, value, code, metric in cases:
            args = ["--min-sharpness", "0", flag, f"{value:.6f}"] if flag != "--min-sharpness" else \
                [flag, f"{value:.6f}"]
            # By default a flag marks a valid image, with its measurement.
            out = run("pix-validate", args, records=self.recs("x.png")).records[0]
            self.assertTrue(out["valid"], (flag, out))
            self.assertEqual(out["reject"], [])
            self.assertEqual(out["flags"], [code], (flag, out))
            self.assertEqual(out["flag_values"][code]["metric"], metric)
            self.assertAlmostEqual(out["flag_values"][code]["value"], m[metric], delta=0.01)
            # Asked for, it rejects; "all" and the flag's own name alike.
            for which in (code, "all", f"dark,{code}"):
                out = run("pix-validate", [*args, "--reject-flags", which],
                          records=self.recs("x.png")).records[0]
                self.assertFalse(out["valid"], (flag, which))
                self.assertEqual(out["reject"], [code])
            out = run("pix-validate", [*args, "--reject-flags", "grayscale"],
                      records=self.recs("x.png")).records[0]
            self.assertTrue(out["valid"])
        out = run("pix-validate", ["--min-sharpness", "0", "--reject-grayscale"],
                  records=self.recs("x.png")).records[0]
        self.assertTrue(out["valid"])

    def test_flags_lower_the_quality_score(self):
        slow = ["--level", "slow", "--min-sharpness", "0"]
        clean = run("pix-validate", slow, records=self.recs("b.png")).records[0]
        flagged = run("pix-validate", [*slow, "--dark", "1", "--min-entropy", "8"],
                      records=self.recs("b.png")).records[0]
        self.assertEqual(flagged["flags"], ["dark", "low_information"])
        self.assertAlmostEqual(flagged["quality"]["flag_penalty"], 0.81)
        self.assertAlmostEqual(flagged["quality"]["score"], clean["quality"]["score"] * 0.81, places=3)
        self.assertNotIn("flag_penalty", clean["quality"])

    def test_reject_flags_errors(self):
        r = run("pix-validate", ["--reject-flags", "blurry,truncated"], records=self.recs("b.png"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("'truncated'", r.stderr)

    def test_reject_flags_from_dataset_yaml_and_flags_override(self):
        config = os.path.join(self.tmp, "dataset.yaml")
        with open(config, "w") as f:
            f.write("validate:\n  reject_flags: [blurry]\n  min_sharpness: 1000000\n")
        out = run("pix-validate", ["--config", config], records=self.recs("b.png")).records[0]
        self.assertEqual(out["reject"], ["blurry"])
        self.assertEqual(out["flag_values"]["blurry"]["limit"], 1000000)
        out = run("pix-validate", ["--config", config, "--reject-flags", "none"],
                  records=self.recs("b.png")).records[0]
        self.assertTrue(out["valid"])
        self.assertEqual(out["flags"], ["blurry"])
        out = run("pix-validate", ["--config", config, "--min-sharpness", "0"],
                  records=self.recs("b.png")).records[0]
        self.assertTrue(out["valid"])
        self.assertEqual(out["flags"], [])
        with open(config, "w") as f:
            f.write("validate:\n  reject_flags: [blury]\n")
        r = run("pix-validate", ["--config", config], records=self.recs("b.png"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("validate.reject_flags", r.stderr)

    def test_blank_is_rejected_and_flat_photo_is_flagged(self):
        flat = os.path.join(GOLDEN_DIR, "flat.jpg")
        out = run("pix-validate", records=[{"path": flat}]).records[0]
        self.assertEqual(out["reject"], ["blank"], out)
        for code in ("near_uniform", "low_information", "low_contrast"):
            self.assertIn(code, out["flags"])
        gray = run("pix-validate", ["--reject-grayscale", "--min-sharpness", "0"],
                   records=[{"path": os.path.join(GOLDEN_DIR, "gray.jpg")}]).records[0]
        self.assertTrue(gray["metrics"]["grayscale"])
        self.assertIn("grayscale", gray["reject"])
        self.assertIn("grayscale", gray["flags"])

    def test_order_kept_with_many_workers(self):
        names = ["a.jpg", "b.png", "c.webp", "tiny.png", "wide.png"] * 8
        records = [dict(r, n=i) for i, r in enumerate(self.recs(*names))]
        r = run("pix-validate", ["-c", "7"], records=records)
        self.assertEqual([o["n"] for o in r.records], list(range(len(names))))
        one = run("pix-validate", ["-c", "1"], records=records)
        self.assertEqual(r.stdout, one.stdout)

    def test_file_arguments_and_base_dir(self):
        inp = os.path.join(self.tmp, "in.jsonl")
        outp = os.path.join(self.tmp, "out.jsonl")
        with open(inp, "w", encoding="utf-8") as f:
            f.write(json.dumps({"path": "b.png"}) + "\n")
        r = run("pix-validate", ["-i", inp, "-o", outp, "--base-dir", self.tmp, "-q"])
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, "", ""))
        with open(outp, encoding="utf-8") as f:
            out = json.loads(f.read())
        self.assertEqual((out["path"], out["valid"]), ("b.png", True))

    def test_summary_counts_reasons(self):
        r = run("pix-validate", ["--level", "fast"], records=self.recs("tiny.png", "b.png", "wide.png"))
        self.assertIn("1 valid, 2 rejected", r.stderr)
        self.assertIn("too_small: 1", r.stderr)

    def test_help_and_usage_errors(self):
        r = run("pix-validate", ["--help"])
        self.assertEqual(r.returncode, 0)
        self.assertIn("--level", r.stdout)
        r = run("pix-validate", ["--level", "deep"])
        self.assertEqual(r.returncode, 2)
        r = run("pix-validate", ["--no-metrics", "--level", "slow"])
        self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    unittest.main()
