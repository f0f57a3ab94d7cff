#!/usr/bin/env python3
"""pix-search as a stage: fallback between engines, filling up, de-duplication
across engines and queries with found_by, filters, safe search, dry run,
passthrough, politeness, config and environment, interruption, and the
offline pipeline into pix-fetch."""
import json
import os
import signal
import subprocess
import time
import urllib.parse

from search_helpers import SearchTestCase, main
import harness


class FallbackTest(SearchTestCase):
    def test_next_engine_takes_over_after_a_failure(self):
        run = self.search("red fox scenario:ddg-429", ["-e", "duckduckgo,bing", "--max", "40"])
        self.assertEqual(run.returncode, 1, run.stderr)
        err = self.assertFailure(run, "duckduckgo", "rate_limited")
        self.assertEqual(err["label"], "red fox scenario:ddg-429")
        results = self.results(run)
        self.assertEqual(len(results), 40)
        self.assertEqual({r["engine"] for r in results}, {"bing"})
        self.assertIn("duckduckgo: 2 requests, 0 results, failed: 1 rate_limited", run.stderr)
        self.assertIn("1 times the next engine took over after a failure", run.stderr)

    def test_every_engine_failing_gives_one_record_each(self):
        run = self.search("fox scenario:ddg-403 scenario:bing-shell scenario:google-jswall",
                          ["-e", "duckduckgo,bing,google"])
        self.assertEqual(run.returncode, 1)
        self.assertEqual([(r["engine"], r["error"]["code"]) for r in run.records],
                         [("duckduckgo", "blocked"), ("bing", "empty_shell"), ("google", "js_wall")])

    def test_an_engine_that_runs_short_is_filled_up_by_the_next(self):
        run = self.search("fox total:20", ["-e", "duckduckgo,bing", "--max", "50"])
        self.assertEqual(run.returncode, 0, run.stderr)
        engines = [r["engine"] for r in run.records]
        self.assertEqual(engines, ["duckduckgo"] * 20 + ["bing"] * 20)  # bing has 20 too

    def test_enough_from_the_first_engine_asks_no_other(self):
        self.server.reset()
        run = self.search("fox", ["-e", "duckduckgo,bing", "--max", "30"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(run.records), 30)
        self.assertEqual(self.requests("/eng/bing/"), [])

    def test_zero_results_is_never_silent(self):
        run = self.search("fox total:0", ["-e", "duckduckgo,wikimedia"])
        self.assertEqual(run.returncode, 1)
        self.assertEqual(len(run.records), 1)
        err = run.records[0]["error"]
        self.assertEqual(err["code"], "no_results")
        self.assertIn("asked: duckduckgo, wikimedia", err["message"])


class DedupTest(SearchTestCase):
    def test_every_engine_merges_and_lists_every_find(self):
        # duckduckgo lists images 0..149, bing 100..249, wikimedia 50..199
        # (the latter with utm_* tracking parameters on every URL).
        run = self.search("red fox", ["-e", "duckduckgo,bing,wikimedia", "--every-engine", "--max", "150"])
        self.assertEqual(run.returncode, 0, run.stderr)
        by_url = run.by("url")
        self.assertEqual(len(run.records), len(by_url))
        self.assertEqual(len(by_url), 250)
        both = by_url[self.server.url("/img/red-fox/120.png")]
        self.assertEqual([(f["engine"], f["rank"]) for f in both["found_by"]],
                         [("duckduckgo", 121), ("bing", 21), ("wikimedia", 71)])
        self.assertEqual(both["engine"], "duckduckgo")
        # Fields the first engine lacks come from the others.
        self.assertEqual(both["license"], "by-sa")
        self.assertEqual(both["creator"], "Photographer 120")
        only_bing = by_url[self.server.url("/img/red-fox/220.png")]
        self.assertEqual([f["engine"] for f in only_bing["found_by"]], ["bing"])
        self.assertIn("finds merged", run.stderr)

    def test_queries_sharing_images_write_each_url_once(self):
        records = [{"label": "fox", "query": "red fox pool:fox total:30"},
                   {"label": "fox", "query": "vulpes vulpes pool:fox total:30"},
                   {"label": "dog", "query": "dog pool:fox total:30"}]
        run = self.search(records, ["-e", "duckduckgo", "--max", "100"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(run.records), 30)
        first = run.records[0]
        self.assertEqual(first["query"], "red fox pool:fox total:30")
        self.assertEqual(first["found_by"], [
            {"engine": "duckduckgo", "query": "red fox pool:fox total:30", "rank": 1},
            {"engine": "duckduckgo", "query": "vulpes vulpes pool:fox total:30", "rank": 1},
            {"engine": "duckduckgo", "query": "dog pool:fox total:30", "rank": 1, "label": "dog"}])

    def test_output_does_not_depend_on_timing(self):
        records = [{"label": f"q{i}", "query": f"thing{i % 3} pool:p{i % 2} total:40"} for i in range(8)]
        args = ["-e", "duckduckgo,bing,wikimedia", "--every-engine", "--max", "25"]
        one = self.search(records, args + ["--active-queries", "1"])
        many = self.search(records, args + ["--active-queries", "8"])
        self.assertEqual(one.returncode, 0, one.stderr)
        self.assertEqual(one.stdout, many.stdout)

    def test_stream_writes_each_query_when_done(self):
        records = [{"label": "a", "query": "a pool:s total:10"}, {"label": "b", "query": "b pool:s total:12"}]
        run = self.search(records, ["-e", "duckduckgo", "--stream", "--active-queries", "1"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual([r["label"] for r in run.records], ["a"] * 10 + ["b"] * 2)
        self.assertEqual(len(run.records[0]["found_by"]), 1)
        self.assertIn("10 finds of URLs already written", run.stderr)


class FilterTest(SearchTestCase):
    def test_min_size(self):
        run = self.search("fox", ["-e", "duckduckgo", "--max", "150", "--min-width", "600", "--min-height", "400"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertTrue(run.records)
        self.assertTrue(all(r["width"] >= 600 and r["height"] >= 400 for r in run.records))
        self.assertIn("filtered out:", run.stderr)
        self.assertIn("by size", run.stderr)

    def test_file_types(self):
        run = self.search("fox", ["-e", "wikimedia", "--types", "jpg"])
        self.assertEqual(run.returncode, 1)
        err = run.records[0]["error"]
        self.assertEqual(err["code"], "no_results")
        self.assertIn("filtered out", err["message"])
        run = self.search("fox total:10", ["-e", "wikimedia", "--types", "png,jpg"])
        self.assertEqual(len(run.records), 10)

    def test_licence_filter_skips_engines_without_licences(self):
        run = self.search("fox", ["-e", "duckduckgo,wikimedia", "--license", "cc0,by", "--max", "20"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("duckduckgo reports no licences", run.stderr)
        self.assertEqual(len(run.records), 20)
        self.assertEqual({r["license"] for r in run.records}, {"cc0", "by"})
        run = self.search("fox", ["-e", "duckduckgo,bing", "--license", "open"])
        self.assertEqual(run.returncode, 2)
        self.assertIn("no engine left", run.stderr)

    def test_safe_search_reaches_the_engines(self):
        self.server.reset()
        self.search("fox total:5", ["-e", "duckduckgo,bing,wikimedia", "--every-engine", "--safe", "strict"])
        self.search("fox total:5", ["-e", "bing,openverse", "--every-engine", "--safe", "off"])
        sent = [urllib.parse.urlsplit(r["path"]) for r in self.server.stats()["requests"]]
        queries = [(u.path, dict(urllib.parse.parse_qsl(u.query))) for u in sent]
        self.assertIn("1", [q.get("p") for path, q in queries if path.endswith("i.js")])
        self.assertEqual([q.get("adlt") for path, q in queries if path.endswith("/async")],
                         ["strict", "strict", "off", "off"])
        self.assertIn("true", [q.get("mature") for path, q in queries if "openverse" in path])


class ToolTest(SearchTestCase):
    def test_dry_run_sends_nothing_and_masks_keys(self):
        self.server.reset()
        env = {"PIX_ENGINE_FLICKR_API_KEY": "sekrit", "PIX_ENGINE_GOOGLE_API_KEY": "sekrit",
               "PIX_ENGINE_GOOGLE_CX": "cx1"}
        run = self.search("red fox", ["--dry-run", "-e", "duckduckgo,google,flickr,openverse"], env=env)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(self.server.stats()["requests"], [])
        self.assertEqual([r["engine"] for r in run.records], ["duckduckgo", "google", "flickr", "openverse"])
        self.assertNotIn("sekrit", run.stdout)
        self.assertIn("key=***", run.records[1]["url"])
        self.assertIn("api_key=***", run.records[2]["url"])
        self.assertEqual(run.records[0]["method"], "GET")
        self.assertTrue(run.records[0]["url"].startswith(self.server.url("/eng/duckduckgo/?q=red%20fox")))
        self.assertIn("User-Agent", run.records[0]["headers"])

    def test_passthrough_and_records_without_a_query(self):
        failed = {"label": "x", "error": {"stage": "keywords", "code": "llm_failed", "message": "m"}}
        run = self.search([failed, {"note": "no query"}, {"label": "fox total:2", "extra": [1, {"a": 2}]}],
                          ["-e", "duckduckgo"])
        self.assertEqual(run.returncode, 1, run.stderr)
        self.assertEqual(run.records[0], failed)
        self.assertEqual(run.records[1]["error"]["code"], "missing_query")
        self.assertEqual(run.records[2]["extra"], [1, {"a": 2}])  # user fields pass through
        self.assertEqual(len(run.records), 4)

    def test_usage_errors(self):
        for args, text in [(["-e", "altavista"], "unknown engine 'altavista'"),
                           (["--engine-opt", "bing.colour=red"], "bing has no setting 'colour'"),
                           (["--types", "exe"], "unknown file type 'exe'"),
                           (["--license", "free"], "unknown licence 'free'"),
                           (["--max", "0"], "--max")]:
            with self.subTest(args):
                run = harness.run("pix-search", args, records=[{"label": "x"}])
                self.assertEqual(run.returncode, 2)
                self.assertIn(text, run.stderr)
                self.assertEqual(run.stdout, "")

    def test_list_engines(self):
        run = harness.run("pix-search", ["--list-engines"])
        self.assertEqual(run.returncode, 0)
        for name in ("duckduckgo", "bing", "google", "wikimedia", "openverse", "flickr", "searxng"):
            self.assertIn(name + "\n", run.stdout)
        self.assertIn("wikimedia.contact", run.stdout)

    def test_config_file_and_environment(self):
        config = os.path.join(self.tmp, "dataset.yaml")
        with open(config, "w") as f:
            f.write("name: foxes\nclasses: [red fox]\nsearch:\n  engines: [bing]\n  max: 12\n"
                    "  engine_options:\n    bing:\n      base_url: http://127.0.0.1:9/nowhere\n"
                    "      interval: 0\n")
        env = {"PIX_ENGINE_BING_BASE_URL": self.server.url("/eng/bing")}
        run = harness.run("pix-search", ["--allow-private", "--config", config], records=[{"label": "fox"}],
                          env=env)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(run.records), 12)
        self.assertEqual({r["engine"] for r in run.records}, {"bing"})

    def test_politeness_per_engine(self):
        self.server.reset()
        records = [{"label": f"fox{i} total:3"} for i in range(4)]
        run = self.search(records, ["-e", "bing", "--engine-opt", "bing.interval=0.3",
                                    "--engine-opt", "bing.concurrency=1"], paced=True)
        self.assertEqual(run.returncode, 0, run.stderr)
        starts = sorted(r["t"] for r in self.requests("/eng/bing/"))
        self.assertEqual(len(starts), 8)  # a page and its repetition per query
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        self.assertGreaterEqual(min(gaps), 0.28, gaps)  # never closer than the interval
        self.assertLessEqual(self.server.stats()["peak"]["127.0.0.1"], 1)

class InterruptTest(SearchTestCase):
    """On a server of its own: its slow request outlives the test."""

    def interrupt_after(self, requests, path, *args):
        """Runs pix-search on Wikimedia over the queries in `path` and sends
        SIGINT once `requests` requests have reached the server."""
        self.server.reset()
        cmd = [harness.tool("pix-search"), "--allow-private", "--retries", "0", "-e", "wikimedia",
               "-i", path, "--base-url", f"wikimedia={self.server.url('/eng/wikimedia')}", *args]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 20
            while len(self.requests("/eng/wikimedia/")) < requests and time.monotonic() < deadline:
                time.sleep(0.05)
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=20)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        return proc, out, err

    def test_interrupt_writes_what_was_found(self):
        # One engine, one request at a time: when the second query's request
        # reaches the server, the first query's answer has been read. That
        # request hangs; the third query waits its turn. Then SIGINT.
        path = os.path.join(self.tmp, "queries.jsonl")
        with open(path, "w") as f:
            for q in ("fox total:5", "fox two scenario:slow", "fox three"):
                f.write(json.dumps({"label": q}) + "\n")
        proc, out, err = self.interrupt_after(2, path, "--engine-opt", "wikimedia.interval=0",
                                              "--engine-opt", "wikimedia.concurrency=1")
        self.assertEqual(proc.returncode, 130, err)
        lines = [json.loads(line) for line in out.splitlines()]
        self.assertEqual([r["label"] for r in lines if "error" not in r], ["fox total:5"] * 5)
        self.assertEqual([(r["label"], r["error"]["code"]) for r in lines if "error" in r],
                         [("fox two scenario:slow", "interrupted"), ("fox three", "interrupted")])


    def test_interrupt_writes_queries_never_started(self):
        # One query at a time, the first one hangs: the other 30 were read
        # (queued ahead or buffered) but never started. SIGINT writes all.
        labels = ["fox scenario:slow"] + [f"fox q{i}" for i in range(30)]
        path = os.path.join(self.tmp, "queries.jsonl")
        with open(path, "w") as f:
            f.writelines(json.dumps({"label": q}) + "\n" for q in labels)
        proc, out, err = self.interrupt_after(1, path, "--active-queries", "1")
        self.assertEqual(proc.returncode, 130, err)
        lines = [json.loads(line) for line in out.splitlines()]
        self.assertEqual([r["label"] for r in lines], labels)
        self.assertTrue(all(r["error"]["code"] == "interrupted" for r in lines), lines)
        self.assertIn("31 records", err)

    def test_malformed_line_stops_the_run_and_writes_what_was_found(self):
        # Two queries at a time: the third line is read when the first query
        # is done, while the second's request hangs (10 s).
        text = "".join(json.dumps({"label": q}) + "\n" for q in ("fox total:5", "fox two scenario:slow"))
        text += "{broken\n"
        started = time.monotonic()
        run = self.search(text, ["-e", "wikimedia", "--active-queries", "2"])
        self.assertLess(time.monotonic() - started, 8)  # did not wait for the hanging request
        self.assertEqual(run.returncode, 3, run.stderr)
        self.assertIn("<stdin>:3: invalid JSON", run.stderr)
        self.assertEqual([r["label"] for r in run.records if "error" not in r], ["fox total:5"] * 5)
        errors = [r for r in run.records if "error" in r]
        self.assertEqual([(r["label"], r["error"]["code"]) for r in errors],
                         [("fox two scenario:slow", "interrupted")])
        self.assertIn("the run stopped: <stdin>:3: invalid JSON", errors[0]["error"]["message"])


class PipelineTest(SearchTestCase):
    def test_search_then_fetch_offline(self):
        search = self.search("red fox", ["-e", "duckduckgo,bing,wikimedia", "--max", "12"])
        self.assertEqual(search.returncode, 0, search.stderr)
        fetch = harness.run("pix-fetch", ["-d", os.path.join(self.tmp, "images"), "--allow-private"],
                            text=search.stdout)
        self.assertEqual(fetch.returncode, 0, fetch.stderr)
        self.assertEqual(len(fetch.records), 12)
        for r in fetch.records:
            self.assertEqual(r["mime"], "image/png")
            self.assertTrue(os.path.getsize(r["path"]) > 100)

    def test_rewritten_captures_fetch_offline(self):
        for engine in ("duckduckgo", "bing", "openverse", "wikimedia"):
            with self.subTest(engine):
                search = self.search("x", ["-e", engine], mode="rewrite")
                self.assertEqual(search.returncode, 0, search.stderr)
                self.assertTrue(search.records)
                self.assertTrue(all(r["url"].startswith(self.server.url("/img/raw/")) for r in search.records))
                fetch = harness.run("pix-fetch", ["-d", os.path.join(self.tmp, engine), "--allow-private"],
                                    text=search.stdout)
                self.assertEqual(fetch.returncode, 0, fetch.stderr)
                self.assertTrue(all(r["mime"] == "image/png" for r in fetch.records))


if __name__ == "__main__":
    main()
