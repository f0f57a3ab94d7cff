#!/usr/bin/env python3
"""pix-search against engines that behave as the live services do today
(issue 15): SearXNG's limiter, Google's HTML results blocked for
non-browser clients, DuckDuckGo's February 2026 bot protection, Wikimedia's
User-Agent policy pages, expired Openverse tokens, Bing's qft filters; and
--probe and --capture."""
import glob
import json
import os
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from search_helpers import SearchTestCase  # noqa: E402


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def query_of(path):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query, keep_blank_values=True))


class SearxngLimiter(SearchTestCase):
    def test_limiter_lets_browser_like_requests_through(self):
        self.server.reset()
        run = self.search("red fox total:30", ["-e", "searxng", "--max", "25"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(run.records), 25)  # gzip-compressed JSON, decoded
        sent = self.requests("/eng/searxng/")[0]["headers"]
        self.assertIn("text/html", sent["Accept"])
        self.assertIn("gzip", sent["Accept-Encoding"])

    def test_limiter_429_explains_pass_ip(self):
        run = self.search("fox scenario:searxng-429", ["-e", "searxng"])
        err = self.assertFailure(run, "searxng", "rate_limited")
        self.assertIn("pass_ip", err["error"]["message"])


class GoogleToday(SearchTestCase):
    def test_without_key_google_is_left_out_with_advice(self):
        self.server.reset()
        args = ["--allow-private", "--retries", "0", *self.base_urls(), "-e", "google,bing",
                "--max", "5", "--engine-opt", "bing.interval=0"]
        run = harness.run("pix-search", args, records=[{"label": "fox"}],
                          env={"PIX_ENGINE_GOOGLE_API_KEY": ""})
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("google is left out", run.stderr)
        self.assertIn("2027-01-01", run.stderr)
        self.assertEqual(self.requests("/eng/google"), [])
        self.assertEqual({r["engine"] for r in run.records}, {"bing"})
        only = harness.run("pix-search", ["-e", "google"], records=[{"label": "fox"}],
                           env={"PIX_ENGINE_GOOGLE_API_KEY": ""})
        self.assertEqual(only.returncode, 2)
        self.assertIn("no engine left", only.stderr)

    def test_page_without_result_links_is_blocked_and_the_next_engine_takes_over(self):
        run = self.search("fox scenario:google-blocked total:5", ["-e", "google,bing", "--max", "5"])
        self.assertEqual(run.returncode, 1, run.stderr)
        errors = self.errors(run)
        self.assertEqual([(e["engine"], e["error"]["code"]) for e in errors], [("google", "blocked")])
        self.assertIn("Custom Search JSON API", errors[0]["error"]["message"])
        self.assertEqual(len(self.results(run)), 5)


class DuckDuckGoToday(SearchTestCase):
    def test_ijs_with_country_cookies_and_current_agent(self):
        self.server.reset()
        run = self.search("red fox total:30", ["-e", "duckduckgo", "--max", "20"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(run.records), 20)
        ijs = self.requests("/eng/duckduckgo/i.js")[0]
        self.assertEqual(query_of(ijs["path"])["a"], "h_")
        self.assertNotIn("f", query_of(ijs["path"]))

    def test_captcha_on_the_second_page_ends_the_search(self):
        run = self.search("fox scenario:ddg-page2-captcha total:300", ["-e", "duckduckgo", "--max", "150"])
        self.assertEqual(run.returncode, 1, run.stderr)
        self.assertEqual(len(self.results(run)), 100)  # the first page is kept
        self.assertEqual([e["error"]["code"] for e in self.errors(run)], ["captcha"])


class PoliciesAndTokens(SearchTestCase):
    def test_wikimedia_policy_page_is_quoted_as_text(self):
        run = self.search("fox", ["-e", "wikimedia", "--engine-opt",
                                  "wikimedia.user_agent=Mozilla/5.0 (X11)"])
        err = self.assertFailure(run, "wikimedia", "blocked")
        self.assertIn("Please set a user-agent", err["error"]["message"])
        self.assertNotIn("<", err["error"]["message"])
        run = self.search("fox scenario:wikimedia-429", ["-e", "wikimedia", "--engine-opt",
                                                         "wikimedia.contact=me@example.org"])
        err = self.assertFailure(run, "wikimedia", "rate_limited")
        self.assertIn("too many requests", err["error"]["message"])

    def test_openverse_expired_token(self):
        run = self.search("fox", ["-e", "openverse"], env={"PIX_ENGINE_OPENVERSE_API_KEY": "expired-token"})
        err = self.assertFailure(run, "openverse", "unauthorized")
        self.assertIn("expire 12 hours", err["error"]["message"])

    def test_bing_qft_filters(self):
        self.server.reset()
        run = self.search("fox total:10", ["-e", "bing", "--engine-opt", "bing.time=month",
                                           "--engine-opt", "bing.type=photo"])
        self.assertEqual(run.returncode, 0, run.stderr)
        qft = query_of(self.requests("/eng/bing/")[0]["path"])["qft"]
        self.assertEqual(qft, "+filterui:age-lt44640+filterui:photo-photo")


class ProbeAndCapture(SearchTestCase):
    def probe(self, *args, env=None):
        full = ["--probe", "--allow-private", "--retries", "0", *self.base_urls(), *args]
        return harness.run("pix-search", full, env={"PIX_ENGINE_FLICKR_API_KEY": "",
                                                   "PIX_ENGINE_GOOGLE_API_KEY": "", **(env or {})})

    def test_probe_every_engine(self):
        run = self.probe()
        self.assertEqual(run.returncode, 0, run.stderr)
        lines = {line.split()[0]: line for line in run.stdout.splitlines()[1:]}
        self.assertEqual(set(lines), {"duckduckgo", "bing", "google", "wikimedia", "openverse",
                                      "flickr", "searxng"})
        for name in ("duckduckgo", "bing", "openverse", "searxng"):
            self.assertEqual(lines[name].split()[1], "ok", lines[name])
        self.assertEqual(lines["google"].split()[1], "not_configured")
        self.assertEqual(lines["flickr"].split()[1], "not_configured")
        self.assertEqual(lines["wikimedia"].split()[1], "ok")

    def test_probe_sorts_failures_and_exits_1_when_nothing_works(self):
        run = self.probe("-e", "google,duckduckgo,openverse", "--engine-opt", "google.mode=html",
                         "--probe-query", "fox scenario:google-blocked scenario:ddg-captcha",
                         env={"PIX_ENGINE_OPENVERSE_API_KEY": "expired-token"})
        self.assertEqual(run.returncode, 1, run.stdout + run.stderr)
        lines = {line.split()[0]: line.split()[1] for line in run.stdout.splitlines()[1:]}
        self.assertEqual(lines, {"google": "blocked", "duckduckgo": "blocked",
                                 "openverse": "bad_key"})
        self.assertIn("no engine works", run.stderr)

    def test_capture_saves_requests_and_responses_with_keys_masked(self):
        out = os.path.join(self.tmp, "cap")
        run = self.search("red fox total:3", ["-e", "flickr,duckduckgo", "--every-engine",
                                              "--capture", out],
                          env={"PIX_ENGINE_FLICKR_API_KEY": "sekrit-key"})
        self.assertEqual(run.returncode, 0, run.stderr)
        requests = sorted(glob.glob(os.path.join(out, "*.request.json")))
        self.assertEqual(len(requests), 3)  # flickr; duckduckgo's token page and i.js
        everything = "".join(read(p) for p in glob.glob(out + "/*"))
        self.assertNotIn("sekrit-key", everything)
        flickr = [json.loads(read(p)) for p in requests if "flickr" in p][0]
        self.assertIn("api_key=***", flickr["url"])
        response = json.loads(read(requests[0].replace(".request.", ".response.")))
        self.assertEqual(response["status"], 200)
        body = os.path.join(out, response["body_file"])
        self.assertEqual(os.path.getsize(body), response["bytes"])
        self.assertIn("saved in", run.stderr)


if __name__ == "__main__":
    unittest.main()
