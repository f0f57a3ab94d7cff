#!/usr/bin/env python3
"""pix-search end to end, engine by engine, through the binary: paging to the
end of results on made pages, the real captures replayed as recorded, and
every failure page each source is known to send."""
import urllib.parse

from search_helpers import SearchTestCase, main
import harness


def query_of(request):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(request["path"]).query))


class DuckDuckGoTest(SearchTestCase):
    def test_token_then_pages_to_the_end(self):
        self.server.reset()
        run = self.search("red fox total:230", ["-e", "duckduckgo", "--max", "1000"])
        self.assertEqual(run.returncode, 0, run.stderr)
        results = run.records
        self.assertEqual(len(results), 230)
        self.assertEqual([r["rank"] for r in results], list(range(1, 231)))
        self.assertTrue(all(r["engine"] == "duckduckgo" and r["width"] > 0 for r in results))
        self.assertEqual(results[0]["title"], "Red Fox photo 0")
        self.assertEqual(results[0]["label"], "red fox total:230")
        landing = self.requests("/eng/duckduckgo/?")
        pages = self.requests("/eng/duckduckgo/i.js")
        self.assertEqual(len(landing), 1)
        self.assertEqual([query_of(p).get("s") for p in pages], [None, "100", "200"])
        # The token and the agent stay the same from landing page to last page.
        self.assertEqual(len({p["headers"]["User-Agent"] for p in landing + pages}), 1)
        self.assertTrue(all(p["headers"].get("Referer") for p in pages))

    def test_failure_pages(self):
        cases = [("ddg-403", "blocked"), ("ddg-418", "blocked"), ("ddg-202", "blocked"),
                 ("ddg-429", "rate_limited"), ("ddg-novqd", "no_token"), ("ddg-captcha", "captcha"),
                 ("ddg-html", "blocked"), ("ddg-malformed", "malformed_response")]
        for scenario, code in cases:
            with self.subTest(scenario):
                run = self.search(f"fox scenario:{scenario}", ["-e", "duckduckgo"])
                self.assertFailure(run, "duckduckgo", code)
                self.assertEqual(self.results(run), [])
                self.assertIn("failed: 1 " + code, run.stderr)

    def test_failure_after_a_first_page_keeps_its_results(self):
        run = self.search("fox scenario:ddg-page2-403", ["-e", "duckduckgo", "--max", "300"])
        self.assertFailure(run, "duckduckgo", "blocked")
        self.assertEqual(len(self.results(run)), 100)

    def test_real_capture_as_recorded(self):
        run = self.search("red fox", ["-e", "duckduckgo"], mode="raw")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual([r["url"] for r in run.records],
                         ["https://upload.example.org/foxes/red-fox-snow.jpg",
                          "https://img.example.com/vector/fox-cartoon_508290-2349.jpg"])
        first = run.records[0]
        self.assertEqual(first["page_url"], "https://www.example.org/wildlife/red-fox")
        self.assertEqual((first["width"], first["height"]), (1920, 1080))
        self.assertEqual(first["title"], "Red fox in the snow | Wildlife")
        # The capture names a next page; it answers the same again: nothing new, the end.
        self.assertIn("duckduckgo: 3 requests", run.stderr)


class BingTest(SearchTestCase):
    def test_pages_until_bing_repeats_itself(self):
        self.server.reset()
        run = self.search("red fox total:100", ["-e", "bing", "--max", "1000"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(run.records), 100)
        self.assertEqual(len({r["url"] for r in run.records}), 100)
        self.assertTrue(all(r["width"] > 0 and r["height"] > 0 for r in run.records))
        firsts = [query_of(p)["first"] for p in self.requests("/eng/bing/")]
        # 35 a page; the fourth page repeats the third's tail and brings nothing new.
        self.assertEqual(firsts, ["1", "36", "71", "106"])

    def test_failure_pages(self):
        for scenario, code in [("bing-shell", "empty_shell"), ("bing-malformed", "malformed_response"),
                               ("bing-429", "rate_limited")]:
            with self.subTest(scenario):
                run = self.search(f"fox scenario:{scenario}", ["-e", "bing"])
                self.assertFailure(run, "bing", code)

    def test_a_shell_after_results_ends_the_search(self):
        run = self.search("fox scenario:bing-shell-page2", ["-e", "bing", "--max", "500"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(run.records), 35)

    def test_real_capture_as_recorded(self):
        run = self.search("折线图", ["-e", "bing"], mode="raw")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(run.records), 1)
        r = run.records[0]
        self.assertEqual(r["url"], "https://pic.wenwen.soso.com/pqpic/wenwenpic/0/"
                                   "20200905072601-1377158880_png_3442_2972_201696/0")
        self.assertEqual(r["thumbnail_url"],
                         "https://tse1-mm.cn.bing.net/th?id=OIP.qTwEnan4GiMdiu0jeB7ZLgHaGZ&pid=15.1")
        self.assertEqual((r["width"], r["height"]), (3442, 2972))
        self.assertEqual(r["title"], "用wps怎么画这样的折线图")


class GoogleTest(SearchTestCase):
    def test_wap_results(self):
        self.server.reset()
        run = self.search("red fox total:45", ["-e", "google", "--max", "500"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(run.records), 45)
        requests = self.requests("/eng/google/wml/search")
        self.assertEqual([query_of(p).get("start") for p in requests], [None, "20", "40", "45"])
        self.assertTrue(requests[0]["headers"]["User-Agent"].startswith("Nokia"))

    def test_custom_search_api_stops_at_100(self):
        self.server.reset()
        env = {"PIX_ENGINE_GOOGLE_API_KEY": "good-key", "PIX_ENGINE_GOOGLE_CX": "cx1"}
        run = self.search("red fox total:150", ["-e", "google", "--max", "500"], env=env)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(run.records), 100)
        starts = [int(query_of(p)["start"]) for p in self.requests("/eng/google/customsearch/v1")]
        self.assertEqual(starts, list(range(1, 92, 10)))
        self.assertFalse(self.requests("/eng/google/wml"))

    def test_api_failures(self):
        run = self.search("fox", ["-e", "google"], env={"PIX_ENGINE_GOOGLE_API_KEY": "bad-key",
                                                      "PIX_ENGINE_GOOGLE_CX": "cx1"})
        self.assertFailure(run, "google", "bad_key")
        run = self.search("fox scenario:google-quota", ["-e", "google"],
                          env={"PIX_ENGINE_GOOGLE_API_KEY": "k", "PIX_ENGINE_GOOGLE_CX": "cx1"})
        self.assertFailure(run, "google", "quota_exceeded")

    def test_walls(self):
        for scenario, code in [("google-sorry", "captcha"), ("google-sorry-short", "captcha"),
                               ("google-jswall", "js_wall"), ("google-consent", "consent")]:
            with self.subTest(scenario):
                run = self.search(f"fox scenario:{scenario}", ["-e", "google"])
                self.assertFailure(run, "google", code)

    def test_real_captures_as_recorded(self):
        env = {"PIX_ENGINE_GOOGLE_API_KEY": "k", "PIX_ENGINE_GOOGLE_CX": "3445a144d26f841f7"}
        run = self.search("cats", ["-e", "google", "--engine-opt",
                                   f"google.api_url={self.server.url('/raw/google')}"], mode="raw", env=env)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(run.records), 2)
        self.assertEqual(run.records[1]["page_url"], "https://wagwalking.com/daily/10-fun-facts-about-ginger-cats")
        self.assertEqual((run.records[1]["width"], run.records[1]["height"]), (832, 555))
        run = self.search("fox", ["-e", "google"], mode="raw")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual([r["url"] for r in run.records], ["https://upload.example.org/fox.jpg"])


class WikimediaTest(SearchTestCase):
    def test_continuation_licences_and_the_agent_policy(self):
        self.server.reset()
        run = self.search("red fox total:120", ["-e", "wikimedia", "--max", "1000",
                                                "--engine-opt", "wikimedia.contact=ops@example.org"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(run.records), 120)
        self.assertNotIn("contact address", run.stderr)
        # Pages arrive in reverse; `index` puts them back in search order.
        self.assertEqual([r["title"] for r in run.records[:3]],
                         ["Red Fox 50", "Red Fox 51", "Red Fox 52"])
        self.assertTrue(all("utm_" not in r["url"] for r in run.records))
        by_licence = {r["license"] for r in run.records}
        self.assertEqual(by_licence, {"by-sa", "by", "pd", "cc0"})
        self.assertEqual(run.records[0]["creator"], "Photographer 50")
        offsets = [query_of(p).get("gsroffset") for p in self.requests("/eng/wikimedia/")]
        self.assertEqual(offsets, [None, "50", "100"])
        agent = self.requests("/eng/wikimedia/")[0]["headers"]["User-Agent"]
        self.assertRegex(agent, r"^PixCrawler/\S+ \(ops@example.org; image dataset builder\)")

    def test_a_browser_agent_is_refused(self):
        run = self.search("fox", ["-e", "wikimedia", "--user-agent", "Mozilla/5.0 (X11; Linux)"])
        self.assertFailure(run, "wikimedia", "blocked")

    def test_errors_sent_with_http_200_and_429(self):
        run = self.search("fox scenario:wikimedia-maxlag", ["-e", "wikimedia"])
        err = self.assertFailure(run, "wikimedia", "server_busy")
        self.assertIn("maxlag", err["error"]["message"])
        run = self.search("fox scenario:wikimedia-429", ["-e", "wikimedia"])
        self.assertFailure(run, "wikimedia", "rate_limited")

    def test_pages_keyed_by_id(self):
        run = self.search("fox total:30 scenario:wikimedia-fv1", ["-e", "wikimedia", "--max", "100"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(run.records), 30)

    def test_real_captures_as_recorded(self):
        for engine, titles in [("wikimedia", ["جامعة دهوك البوابة"]),
                               ("wikimedia-fv2", ["American University of Beirut (AUB)", "AUB 1",
                                                  "University of Oxford"]),
                               ("wikimedia-fv1", ["1.2.09.Forest.cSmall"])]:
            with self.subTest(engine):
                run = self.search("x", ["-e", "wikimedia", "--base-url",
                                        f"wikimedia={self.server.url('/raw/' + engine)}"])
                self.assertEqual(run.returncode, 0, run.stderr)
                self.assertEqual([r["title"] for r in run.records], titles)
        r = run.records[0]
        self.assertEqual((r["license"], r["license_version"]), ("by-sa", "3.0"))
        self.assertEqual(r["license_url"], "http://creativecommons.org/licenses/by-sa/3.0")
        self.assertEqual(r["creator"], "CMSporthorses")


class OpenverseTest(SearchTestCase):
    def test_anonymous_pages_of_20(self):
        self.server.reset()
        run = self.search("red fox total:45", ["-e", "openverse", "--max", "1000"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(run.records), 45)
        pages = [(query_of(p)["page"], query_of(p)["page_size"]) for p in self.requests("/eng/openverse/")]
        self.assertEqual(pages, [("1", "20"), ("2", "20"), ("3", "20")])
        r = run.records[0]
        self.assertEqual((r["license"], r["license_version"]), ("by-sa", "2.0"))
        self.assertEqual(r["license_url"], "https://creativecommons.org/licenses/by-sa/2.0/")
        self.assertEqual(r["creator"], "photographer150")

    def test_token_bigger_pages_and_licence_filter(self):
        self.server.reset()
        run = self.search("red fox total:45", ["-e", "openverse", "--max", "1000", "--license", "cc0",
                                               "--engine-opt", "openverse.api_key=tok",
                                               "--engine-opt", "openverse.page_size=50"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual({r["license"] for r in run.records}, {"cc0"})
        self.assertEqual(len(run.records), 9)
        sent = self.requests("/eng/openverse/")
        self.assertEqual(len(sent), 1)
        self.assertEqual(query_of(sent[0])["license"], "cc0")
        self.assertEqual(sent[0]["headers"]["Authorization"], "Bearer tok")

    def test_throttled(self):
        run = self.search("fox scenario:openverse-429", ["-e", "openverse"])
        err = self.assertFailure(run, "openverse", "rate_limited")
        self.assertIn("throttled", err["error"]["message"])

    def test_real_capture_as_recorded(self):
        run = self.search("University of Duhok", ["-e", "openverse"], mode="raw")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual([r["url"] for r in run.records],
                         ["https://live.staticflickr.com/5212/5434110551_ca8a6ee5dd_b.jpg",
                          "https://upload.wikimedia.org/wikipedia/commons/d/d1/Dr_wisam_Murad.jpg"])
        self.assertEqual(run.records[1]["creator"], "Wisam doughati")


class FlickrTest(SearchTestCase):
    KEY = {"PIX_ENGINE_FLICKR_API_KEY": "k123"}

    def test_pages_sizes_and_licences(self):
        self.server.reset()
        run = self.search("red fox total:130", ["-e", "flickr", "--max", "1000"], env=self.KEY)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(run.records), 130)
        # Every fifth photo has no original: the large size stands in, with its size.
        self.assertTrue(all(r["width"] > 0 and r["height"] > 0 for r in run.records))
        self.assertEqual({r["license"] for r in run.records}, {"by", "by-sa", "cc0", "arr", "pdm", "by-nc"})
        self.assertTrue(run.records[0]["page_url"].startswith("https://www.flickr.com/photos/250@N05/"))
        self.assertEqual([query_of(p)["page"] for p in self.requests("/eng/flickr/")], ["1", "2"])
        self.assertTrue(all(query_of(p)["api_key"] == "k123" for p in self.requests("/eng/flickr/")))

    def test_licence_filter_is_sent_as_ids(self):
        self.server.reset()
        run = self.search("red fox total:60", ["-e", "flickr", "--license", "cc0,pdm"], env=self.KEY)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual({r["license"] for r in run.records}, {"cc0", "pdm"})
        self.assertEqual(query_of(self.requests("/eng/flickr/")[0])["license"], "9,10")

    def test_failures(self):
        run = self.search("fox", ["-e", "flickr"], env={"PIX_ENGINE_FLICKR_API_KEY": "bad-key"})
        err = self.assertFailure(run, "flickr", "bad_key")
        self.assertIn("Invalid API Key", err["error"]["message"])
        run = self.search("fox scenario:flickr-fail", ["-e", "flickr"], env=self.KEY)
        self.assertFailure(run, "flickr", "server_error")
        run = self.search("fox", ["-e", "flickr"])
        self.assertEqual(run.returncode, 2)
        self.assertIn("flickr needs an API key", run.stderr)
        self.assertEqual(run.stdout, "")

    def test_real_captures_as_recorded(self):
        run = self.search("surf", ["-e", "flickr"], mode="raw", env=self.KEY)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.records[0]["url"], "https://live.staticflickr.com/1276/1259861303_edbc87122e_o.jpg")
        self.assertEqual((run.records[0]["width"], run.records[0]["height"]), (1103, 1297))
        run = self.search("surf", ["-e", "flickr", "--base-url",
                                   f"flickr={self.server.url('/raw/flickr-error')}"], env=self.KEY)
        self.assertFailure(run, "flickr", "bad_key")


class SearxngTest(SearchTestCase):
    def test_json_results(self):
        self.server.reset()
        run = self.search("red fox total:50", ["-e", "searxng", "--max", "1000"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(run.records), 50)  # the text results are not images
        self.assertEqual([query_of(p)["pageno"] for p in self.requests("/eng/searxng/")], ["1", "2", "3", "4"])

    def test_failures_and_the_missing_address(self):
        run = self.search("fox scenario:searxng-403", ["-e", "searxng"])
        self.assertFailure(run, "searxng", "blocked")
        run = self.search("fox scenario:searxng-upstream", ["-e", "searxng"])
        err = self.assertFailure(run, "searxng", "upstream_failed")
        self.assertIn("google images (CAPTCHA)", err["error"]["message"])
        run = harness.run("pix-search", ["-e", "searxng"], records=[{"label": "x"}],
                          env={"PIX_ENGINE_SEARXNG_BASE_URL": ""})
        self.assertEqual(run.returncode, 2)
        self.assertIn("searxng has no default address", run.stderr)


class NetworkFailureTest(SearchTestCase):
    def test_refused_connection_and_address_guard(self):
        run = self.search("fox", ["-e", "bing", "--base-url", "bing=http://127.0.0.1:9/x"])
        self.assertFailure(run, "bing", "connect_failed")
        run = harness.run("pix-search", ["-e", "bing", "--retries", "0", "--base-url",
                                         f"bing={self.server.url('/eng/bing')}"], records=[{"label": "x"}])
        self.assertFailure(run, "bing", "blocked_address")


if __name__ == "__main__":
    main()
