#!/usr/bin/env python3
"""End-to-end tests of pix-fetch against the loopback fixture server,
including every hostile behaviour listed in ARCHITECTURE.md."""
import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
from fixture_routes import hostile  # noqa: E402

# Short limits so that every hostile case ends within seconds.
FAST = ["--timeout", "6", "--response-timeout", "1", "--low-speed-time", "3",
        "--connect-timeout", "2", "--max-retry-wait", "3"]


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class FetchTest(harness.TempDirTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = os.path.join(harness.tempfile.mkdtemp(prefix="pix-fetch-root-"))
        harness.make_images(cls.root, ["a.jpg:jpg:640x480:1", "b.png:png:300x200:2",
                                       "c.webp:webp:400x400:3"])
        cls.server = harness.FixtureServer(cls.root).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        harness.shutil.rmtree(cls.root, ignore_errors=True)

    def url(self, path, host="127.0.0.1"):
        return self.server.url(path, host)

    def fetch(self, records, *args, **kw):
        out = os.path.join(self.tmp, "out")
        return harness.run("pix-fetch", ["-d", out, "--allow-private", *FAST, *args],
                           records=records, **kw)

    def test_downloads_formats_and_fields(self):
        text = ('{"url": "%s", "label": "cat", "mine": {"x": [1, 2.50]}}\n' % self.url("/files/a.jpg") +
                json.dumps({"url": self.url("/files/b.png"), "label": "cat"}) + "\n" +
                json.dumps({"url": self.url("/files/c.webp")}) + "\n")
        run = self.fetch(None, text=text)
        self.assertEqual(run.returncode, 0, run.stderr)
        got = run.by("url")
        self.assertEqual(len(got), 3)
        for name, mime in (("a.jpg", "image/jpeg"), ("b.png", "image/png"), ("c.webp", "image/webp")):
            r = got[self.url("/files/" + name)]
            self.assertEqual(r["mime"], mime)
            self.assertEqual(r["http_status"], 200)
            self.assertEqual(r["bytes"], os.path.getsize(os.path.join(self.root, name)))
            self.assertEqual(r["sha256"], sha256_file(os.path.join(self.root, name)))
            self.assertEqual(r["sha256"], sha256_file(r["path"]))
            self.assertTrue(r["fetched_at"].endswith("Z"))
            self.assertEqual(r["final_url"], r["url"])
        self.assertIn(os.sep + "cat" + os.sep, got[self.url("/files/a.jpg")]["path"])
        self.assertTrue(got[self.url("/files/a.jpg")]["path"].endswith(".jpg"))
        # Unknown fields pass through byte for byte.
        line = [l for l in run.stdout.splitlines() if "a.jpg" in l][0]
        self.assertIn('"mine":{"x": [1, 2.50]}', line)

    def test_failures_are_records_not_silence(self):
        recs = [{"url": self.url("/files/nope.jpg")}, {"title": "no url"}, {"url": "not a url"},
                {"url": self.url("/files/a.jpg"), "error": {"stage": "search", "code": "x"}}]
        run = self.fetch(recs, "--retries", "0")
        self.assertEqual(run.returncode, 1)
        self.assertEqual(len(run.records), 4)
        codes = sorted(r["error"]["code"] for r in run.records)
        self.assertEqual(codes, ["bad_url", "http_404", "missing_url", "x"])
        passed = [r for r in run.records if r["error"]["code"] == "x"][0]
        self.assertNotIn("path", passed)  # an earlier stage's failure is passed through untouched

    def test_label_cannot_escape_the_output_directory(self):
        recs = [{"url": self.url("/files/b.png"), "label": "../../etc"},
                {"url": self.url("/files/c.webp"), "label": "/abs/path"}]
        run = self.fetch(recs)
        self.assertEqual(run.returncode, 0, run.stderr)
        out = os.path.realpath(os.path.join(self.tmp, "out"))
        for r in run.records:
            self.assertTrue(os.path.realpath(r["path"]).startswith(out + os.sep), r["path"])
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "etc")))

    def test_hostile_servers(self):
        cases = {
            "redirect-loop": "too_many_redirects",
            "redirect-file": "unsupported_protocol",
            "redirect-ftp": "unsupported_protocol",
            "short-body": "truncated",
            "truncated-chunked": "truncated",
            "negative-length": "bad_response",
            "garbage-length": "bad_response",
            "bad-chunked": "bad_response",
            "endless": "too_large",
            "empty": "empty_body",
            "trickle": "too_slow",
            "silent": "no_response",
            "huge-header": "headers_too_large",
            "html-as-jpeg": "not_an_image",
            "gzip": "encoded_body",
            "noai": "robots_noai",
            "image-as-html": None,
        }
        recs = [{"url": self.url("/hostile/" + name)} for name in cases]
        run = self.fetch(recs, "--max-bytes", "3000000", "--retries", "1", timeout=90)
        got = run.by("url")
        self.assertEqual(len(got), len(cases), run.stderr)
        for name, code in cases.items():
            with self.subTest(name):
                r = got[self.url("/hostile/" + name)]
                self.assertEqual(r.get("error", {}).get("code"), code, r)
        ok = got[self.url("/hostile/image-as-html")]
        self.assertEqual(ok["mime"], "image/png")
        self.assertEqual(ok["content_type"], "text/html; charset=utf-8")
        self.assertEqual(ok["sha256"], hashlib.sha256(hostile.image()).hexdigest())
        self.assertEqual(run.returncode, 1)
        # Nothing but the one good image is left in the output directory.
        files = [f for _, _, fs in os.walk(os.path.join(self.tmp, "out")) for f in fs]
        self.assertEqual(files, [os.path.basename(ok["path"])])

    def test_endless_body_is_cut_with_bounded_memory(self):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        run = self.fetch([{"url": self.url("/hostile/endless")}], "--max-bytes", "50000000")
        self.assertEqual(run.records[0]["error"]["code"], "too_large")
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if peak_kb > before:  # this run set a new peak: it is pix-fetch's own
            self.assertLess(peak_kb, 64 * 1024, "pix-fetch kept a 50 MB body in memory")

    def test_retry_after_seconds_and_date(self):
        self.server.reset()
        recs = [{"url": self.url("/hostile/retry-seconds?key=s")},
                {"url": self.url("/hostile/retry-date?key=d")}]
        run = self.fetch(recs)
        self.assertEqual(run.returncode, 0, run.stderr)
        counts = self.server.stats()["counts"]
        self.assertEqual(counts["/hostile/retry-seconds"], 2)
        self.assertEqual(counts["/hostile/retry-date"], 2)
        # Retry-After was obeyed: the second request came at least ~1 s later.
        reqs = [r for r in self.server.stats()["requests"] if "retry-seconds" in r["path"]]
        self.assertGreaterEqual(reqs[1]["t"] - reqs[0]["t"], 0.9)

    def test_503_is_retried_then_reported(self):
        self.server.reset()
        recs = [{"url": self.url("/hostile/unavailable?key=a&n=2")},
                {"url": self.url("/hostile/unavailable?key=b&n=9")}]
        run = self.fetch(recs, "--retries", "2")
        got = run.by("url")
        self.assertNotIn("error", got[self.url("/hostile/unavailable?key=a&n=2")])
        self.assertEqual(got[self.url("/hostile/unavailable?key=b&n=9")]["error"]["code"], "http_503")
        self.assertEqual(self.server.stats()["counts"]["/hostile/unavailable"], 6)  # 3 + 3 attempts

    def test_address_guard(self):
        # Default: loopback is refused before any byte is sent.
        self.server.reset()
        out = os.path.join(self.tmp, "out")
        run = harness.run("pix-fetch", ["-d", out, *FAST], records=[{"url": self.url("/files/a.jpg")}])
        self.assertEqual(run.records[0]["error"]["code"], "blocked_address")
        self.assertEqual(self.server.stats()["counts"], {})
        if len(self.server.hosts) < 2:
            self.skipTest("needs 127.0.0.2")
        # Allowing one address does not allow a redirect to a name resolving to another.
        run = harness.run("pix-fetch", ["-d", out, "--allow-net", "127.0.0.2/32", *FAST],
                          records=[{"url": self.url("/hostile/redirect-to?host=localhost", "127.0.0.2")},
                                   {"url": self.url("/hostile/redirect-to?host=127.0.0.2", "127.0.0.2")}])
        got = run.by("url")
        self.assertEqual(got[self.url("/hostile/redirect-to?host=localhost", "127.0.0.2")]["error"]["code"],
                         "blocked_address")
        self.assertNotIn("error", got[self.url("/hostile/redirect-to?host=127.0.0.2", "127.0.0.2")])
        bad = harness.run("pix-fetch", ["--allow-net", "300.1.2.3/8"], records=[])
        self.assertEqual(bad.returncode, 2)

    def test_rerun_skips_complete_files(self):
        recs = [{"url": self.url("/files/a.jpg"), "label": "x"}, {"url": self.url("/files/b.png")}]
        first = self.fetch(recs)
        self.server.reset()
        second = self.fetch(recs)
        self.assertEqual(second.returncode, 0, second.stderr)
        self.assertEqual(self.server.stats()["counts"], {})  # no download at all
        self.assertEqual({r["url"]: r["sha256"] for r in first.records},
                         {r["url"]: r["sha256"] for r in second.records})
        self.assertIn("2 already present", second.stderr)
        # A file that changed on disk is not trusted: fetched again.
        path = first.by("url")[self.url("/files/a.jpg")]["path"]
        with open(path, "ab") as f:
            f.write(b"junk")
        third = self.fetch(first.records)
        self.assertEqual(third.by("url")[self.url("/files/a.jpg")]["sha256"],
                         sha256_file(os.path.join(self.root, "a.jpg")))

    def test_same_url_twice_in_one_run_downloads_once(self):
        self.server.reset()
        recs = [{"url": self.url("/hostile/slow?ms=300"), "n": i} for i in range(3)]
        run = self.fetch(recs)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(run.records), 3)
        self.assertEqual(len({r["sha256"] for r in run.records}), 1)
        self.assertEqual(self.server.stats()["counts"]["/hostile/slow"], 1)

    def resume_case(self, path):
        full = hostile.image(200000)
        url = self.url(path)
        first = self.fetch([{"url": url}], "--retries", "0", "--resume")
        self.assertEqual(first.records[0]["error"]["code"], "truncated")
        parts = [f for _, _, fs in os.walk(os.path.join(self.tmp, "out")) for f in fs]
        self.assertEqual(len(parts), 1)
        self.assertTrue(parts[0].endswith(".part"))
        second = self.fetch([{"url": url}], "--resume")
        self.assertEqual(second.returncode, 0, second.stderr)
        r = second.records[0]
        self.assertEqual(r["sha256"], hashlib.sha256(full).hexdigest())
        self.assertEqual(r["bytes"], len(full))
        return [q for q in self.server.stats()["requests"] if q["path"] == path]

    def test_resume_with_range(self):
        reqs = self.resume_case("/hostile/cut-once?key=r1")
        self.assertEqual(reqs[-1]["headers"].get("Range"), f"bytes={len(hostile.image(200000)) // 2}-")

    def test_resume_restarts_when_range_is_ignored(self):
        self.resume_case("/hostile/cut-once-norange?key=r2")

    def test_per_host_limit(self):
        if len(self.server.hosts) < 2:
            self.skipTest("needs 127.0.0.2")
        self.server.reset()
        recs = [{"url": self.url(f"/hostile/slow?ms=300&i={i}", host), "label": str(i)}
                for host in ("127.0.0.1", "127.0.0.2") for i in range(8)]
        run = self.fetch(recs, "--per-host", "2", "--concurrency", "16", "--no-http2")
        self.assertEqual(run.returncode, 0, run.stderr)
        peak = self.server.stats()["peak"]
        self.assertEqual(peak["slow:127.0.0.1"], 2)
        self.assertEqual(peak["slow:127.0.0.2"], 2)

    def test_host_delay(self):
        self.server.reset()
        recs = [{"url": self.url(f"/hostile/image?size=1000&i={i}"), "label": str(i)} for i in range(4)]
        run = self.fetch(recs, "--host-delay", "0.4")
        self.assertEqual(run.returncode, 0, run.stderr)
        starts = sorted(r["t"] for r in self.server.stats()["requests"] if r["path"].startswith("/hostile/"))
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        self.assertEqual(len(gaps), 3)
        self.assertGreaterEqual(min(gaps), 0.35, gaps)

    def test_noai_can_be_ignored(self):
        run = self.fetch([{"url": self.url("/hostile/noai")}], "--ignore-noai")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.records[0]["mime"], "image/png")

    def test_referer_and_user_agent(self):
        self.server.reset()
        recs = [{"url": self.url("/hostile/image?size=500&r=1"), "page_url": "http://example.org/page"}]
        self.fetch(recs, "--referer", "page")
        req = [r for r in self.server.stats()["requests"] if "r=1" in r["path"]][0]
        self.assertEqual(req["headers"]["Referer"], "http://example.org/page")
        self.assertIn("PixCrawler/", req["headers"]["User-Agent"])
        self.assertNotIn("Accept-Encoding", req["headers"])

    def test_interrupt_keeps_every_record(self):
        out = os.path.join(self.tmp, "out")
        recs = [{"url": self.url("/hostile/trickle"), "id": 1}, {"url": self.url("/files/a.jpg"), "id": 2}]
        proc = subprocess.Popen([harness.tool("pix-fetch"), "-d", out, "--allow-private", "--resume"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        proc.stdin.write("".join(json.dumps(r) + "\n" for r in recs))
        proc.stdin.flush()
        time.sleep(1.5)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 130, stderr)
        got = {json.loads(l)["id"]: json.loads(l) for l in stdout.splitlines()}
        self.assertEqual(set(got), {1, 2})
        self.assertEqual(got[1]["error"]["code"], "interrupted")
        self.assertNotIn("error", got[2])

    def test_kill_9_leaves_no_half_file(self):
        out = os.path.join(self.tmp, "out")
        proc = subprocess.Popen([harness.tool("pix-fetch"), "-d", out, "--allow-private"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdin.write((json.dumps({"url": self.url("/hostile/trickle")}) + "\n").encode())
        proc.stdin.flush()
        time.sleep(2)
        proc.kill()
        proc.wait()
        files = [f for _, _, fs in os.walk(out) for f in fs]
        self.assertTrue(all(f.startswith(".") and f.endswith(".part") for f in files), files)

    def test_closed_stdout_ends_quietly(self):
        recs = [{"url": self.url("/files/a.jpg"), "label": str(i)} for i in range(300)]
        out = os.path.join(self.tmp, "out")
        proc = subprocess.Popen(f"'{harness.tool('pix-fetch')}' -d '{out}' --allow-private | head -n 1",
                                shell=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        stdout, stderr = proc.communicate("".join(json.dumps(r) + "\n" for r in recs), timeout=60)
        self.assertEqual(len(stdout.splitlines()), 1)
        self.assertEqual(stderr, "")

    def test_malformed_input(self):
        text = json.dumps({"url": self.url("/files/a.jpg")}) + "\n{broken\n"
        run = harness.run("pix-fetch", ["-d", os.path.join(self.tmp, "o"), "--allow-private"], text=text)
        self.assertEqual(run.returncode, 3)
        self.assertIn("<stdin>:2: invalid JSON", run.stderr)
        # A download in flight when the bad line stops the run is written,
        # saying why it did not finish.
        slow = json.dumps({"url": self.url("/hostile/slow?ms=3000")}) + "\n{broken\n"
        run = harness.run("pix-fetch", ["-d", os.path.join(self.tmp, "s"), "--allow-private"], text=slow)
        self.assertEqual(run.returncode, 3)
        self.assertEqual(len(run.records), 1)
        self.assertEqual(run.records[0]["error"]["code"], "interrupted")
        self.assertIn("stopped before this download finished: <stdin>:2: invalid JSON",
                      run.records[0]["error"]["message"])
        run = harness.run("pix-fetch", ["-d", os.path.join(self.tmp, "o"), "--allow-private",
                                        "--skip-invalid"], text=text)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(run.records), 1)
        self.assertIn("skipped 1 invalid input line", run.stderr)


if __name__ == "__main__":
    unittest.main()
