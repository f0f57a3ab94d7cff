#!/usr/bin/env python3
"""What every stage promises in pix(7), checked on each stage: --stats writes
the counters as JSON (also after a fatal stop), and every record read is
written before a stage exits, whatever way the run ends (a malformed line,
SIGINT)."""
import json
import os
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PHASH = 0x8F3C5A6B1E2D4C7B


def hashed(i):
    """A record pix-dedup judges (distinct images, far apart)."""
    h = (PHASH * (i + 1)) & (2**64 - 1)
    return {"url": f"u{i}", "phash": f"{h:016x}", "sha256": f"{i + 1:064x}", "width": 64,
            "height": 64}


class StatsTest(harness.TempDirTestCase):
    def stats(self, name):
        with open(os.path.join(self.tmp, name)) as f:
            return json.load(f)

    def test_dedup_stats_count_what_happened(self):
        path = os.path.join(self.tmp, "dedup.json")
        records = [hashed(0), dict(hashed(0), url="copy"), hashed(1),
                   {"url": "failed", "error": {"stage": "fetch", "code": "http_404"}}]
        run = harness.run("pix-dedup", ["-q", "--stats", path], records=records)
        self.assertEqual(run.returncode, 0, run.stderr)
        s = self.stats("dedup.json")
        self.assertEqual((s["tool"], s["stage"], s["exit_code"], s["status"]),
                         ("pix-dedup", "dedup", 0, "ok"))
        self.assertEqual((s["read"], s["written"], s["passed_through"]), (4, 3, 1))
        self.assertEqual(s["failures"], {})
        self.assertNotIn(".tmp-", " ".join(os.listdir(self.tmp)))

    def test_validate_stats_count_failures_by_code(self):
        path = os.path.join(self.tmp, "v.json")
        records = [{"path": os.path.join(self.tmp, "missing.jpg")}, {"url": "no path"}]
        run = harness.run("pix-validate", ["-q", "--stats", path, "-c", "0"], records=records)
        self.assertEqual(run.returncode, 1, run.stderr)
        s = self.stats("v.json")
        self.assertEqual((s["read"], s["ok"], s["failed"]), (2, 0, 2))
        self.assertEqual(s["failures"], {"file_not_found": 1, "no_path": 1})
        self.assertEqual(s["exit_code"], 1)

    def test_stats_written_after_a_fatal_stop(self):
        path = os.path.join(self.tmp, "k.json")
        run = harness.run("pix-keywords", ["-q", "--stats", path, "--no-templates"],
                          text='{"label":"cat"}\n{oops\n')
        self.assertEqual(run.returncode, 3)
        s = self.stats("k.json")
        self.assertEqual((s["exit_code"], s["status"], s["read"]), (3, "corruption", 1))
        self.assertIn("<stdin>:2", s["message"])

    def test_unwritable_stats_file_is_a_warning(self):
        run = harness.run("pix-dedup", ["--stats", "/nonexistent/dir/s.json"],
                          records=[hashed(0)])
        self.assertEqual(run.returncode, 0)
        self.assertIn("warning: --stats", run.stderr)


class NothingReadIsLostTest(harness.TempDirTestCase):
    def test_dedup_near_mode_writes_what_it_read_before_a_bad_line(self):
        text = json.dumps(hashed(0)) + "\n" + json.dumps(
            {"url": "x", "error": {"stage": "fetch", "code": "timeout"}}) + "\n{broken\n"
        run = harness.run("pix-dedup", ["-q"], text=text)
        self.assertEqual(run.returncode, 3)
        self.assertIn("<stdin>:3", run.stderr)
        out = run.records
        self.assertEqual([r["url"] for r in out], ["u0", "x"])
        self.assertEqual(out[0]["error"]["code"], "interrupted")
        self.assertEqual(out[0]["error"]["stage"], "dedup")
        self.assertIn("<stdin>:3", out[0]["error"]["message"])
        self.assertEqual(out[1]["error"]["code"], "timeout")  # passed through as it came

    def test_dedup_exact_mode_writes_what_it_read_before_a_bad_line(self):
        text = json.dumps(hashed(0)) + "\n{broken\n"
        run = harness.run("pix-dedup", ["-q", "--exact-only"], text=text)
        self.assertEqual(run.returncode, 3)
        self.assertEqual([r["url"] for r in run.records], ["u0"])

    def test_dedup_interrupted_while_reading_writes_every_record_read(self):
        # A producer that writes 2,000 records and then stalls: pix-dedup
        # (near mode) holds them in its spool until SIGINT arrives.
        proc = subprocess.Popen([harness.tool("pix-dedup"), "-q"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for i in range(2000):
            proc.stdin.write(json.dumps(hashed(i)) + "\n")
        proc.stdin.flush()
        time.sleep(1.0)
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 130)
        records = [json.loads(line) for line in out.splitlines()]
        self.assertEqual(len(records), 2000)
        self.assertTrue(all(r["error"]["code"] == "interrupted" for r in records))

    def test_validate_writes_what_it_read_before_a_bad_line(self):
        harness.make_images(self.tmp, ["a.png:png:32x32:1", "b.png:png:32x32:2"])
        lines = [json.dumps({"path": os.path.join(self.tmp, n)}) for n in ("a.png", "b.png")]
        run = harness.run("pix-validate", ["-q", "-c", "2"],
                          text="\n".join(lines) + "\n[1,2]\n")
        self.assertEqual(run.returncode, 3)
        self.assertEqual(len(run.records), 2)
        self.assertTrue(all("width" in r for r in run.records))



    def test_label_writes_what_it_read_around_a_bad_line(self):
        # pix-label reads everything before it labels: a bad third line
        # stops it with two records spooled and one read after the bad line.
        rec = lambda url, label: json.dumps({"url": url, "label": label, "valid": True,
                                             "sha256": f"{len(url):064x}"})
        text = rec("a", "cat") + "\n" + rec("bb", "dog") + "\n{broken\n" + rec("ccc", "dog") + "\n"
        run = harness.run("pix-label", ["-q"], text=text)
        self.assertEqual(run.returncode, 3, run.stderr)
        self.assertEqual([r["url"] for r in run.records], ["a", "bb", "ccc"])
        self.assertTrue(all(r["error"]["code"] == "interrupted" for r in run.records))
        self.assertIn("before labelling", run.records[0]["error"]["message"])
        self.assertIn("<stdin>:3", run.records[0]["error"]["message"])

    def test_keywords_writes_what_it_read_around_a_bad_line(self):
        run = harness.run("pix-keywords", ["-q", "--no-templates"],
                          text='{"label":"cat"}\n{oops\n{"label":"dog"}\n')
        self.assertEqual(run.returncode, 3)
        self.assertEqual([(r["label"], "error" in r) for r in run.records],
                         [("cat", False), ("dog", True)])
        self.assertEqual(run.records[1]["error"]["code"], "interrupted")

class FetchNothingReadIsLostTest(harness.FixtureServerTestCase):
    def test_fetch_interrupted_writes_records_never_started(self):
        # One download at a time, each taking 3 s: the first is in flight,
        # the others were read ahead or buffered. SIGINT writes all 40.
        urls = [self.server.url(f"/hostile/slow?ms=3000&i={i}") for i in range(40)]
        proc = subprocess.Popen([harness.tool("pix-fetch"), "-q", "--allow-private", "-c", "1",
                                 "-d", os.path.join(self.tmp, "images")],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        proc.stdin.write("".join(json.dumps({"url": u, "label": "k"}) + "\n" for u in urls))
        proc.stdin.flush()
        deadline = time.monotonic() + 20
        while not self.server.stats().get("peak", {}).get("slow:127.0.0.1") and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 130, err)
        records = [json.loads(line) for line in out.splitlines()]
        self.assertCountEqual([r["url"] for r in records], urls)  # in finishing order
        self.assertTrue(all(r["error"]["code"] == "interrupted" for r in records), records)


if __name__ == "__main__":
    unittest.main()
