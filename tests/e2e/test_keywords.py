"""pix-keywords end to end: labels in, query records out; templates, config,
WordNet (on small database files the test writes) and the language-model
fakes of tests/fixture_routes/llm.py."""
import json
import os
import unittest

from harness import FixtureServerTestCase, TempDirTestCase, run

DEFAULT_TEMPLATES = ["photo", "close-up", "high resolution"]


def queries(result, source=None):
    return [r["query"] for r in result.records
            if "query" in r and (source is None or r["query_source"] == source)]


def errors(result):
    return [r["error"]["code"] for r in result.records if "error" in r]


def write_wordnet(directory, synsets, index):
    """Writes index.noun and data.noun in WordNet's format with true byte
    offsets. synsets: (id, lex_file, [words], [hyponym ids], gloss);
    index: {lemma: [synset ids in sense order]}, or {lemma: ([ids], N)} when
    the first N senses are ranked by frequency."""
    os.makedirs(directory, exist_ok=True)
    header = "  1 This software and database is a test fake.  \n"
    parents = {}
    for sid, _, _, hypos, _ in synsets:
        for h in hypos:
            parents.setdefault(h, []).append(sid)
    offsets = {}
    for pass_ in range(2):
        data = header
        for sid, lex, words, hypos, gloss in synsets:
            offsets.setdefault(sid, len(data))
            up = parents.get(sid, [])
            line = f"{offsets[sid]:08d} {lex:02d} n {len(words):02x} "
            line += " ".join(f"{w} 0" for w in words)
            line += f" {len(up) + len(hypos):03d}"
            line += "".join(f" @ {offsets.get(p, 0):08d} n 0000" for p in up)
            line += "".join(f" ~ {offsets.get(h, 0):08d} n 0000" for h in hypos)
            data += line + " | " + gloss + "  \n"
    with open(os.path.join(directory, "data.noun"), "w") as f:
        f.write(data)
    with open(os.path.join(directory, "index.noun"), "w") as f:
        f.write(header)
        for lemma in sorted(index):
            ids, ranked = index[lemma] if isinstance(index[lemma], tuple) else (index[lemma], 0)
            f.write(f"{lemma} n {len(ids)} 1 ~ {len(ids)} {ranked} "
                    + " ".join(f"{offsets[i]:08d}" for i in ids) + "  \n")


class KeywordsBasics(TempDirTestCase):
    def test_label_records_become_queries_with_fields_passed_through(self):
        line = '{"label":"red fox","id":7,"meta":{"k":[1, 2.50]}}\n'
        r = run("pix-keywords", text=line)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(queries(r), ["red fox"] + [f"red fox {t}" for t in DEFAULT_TEMPLATES])
        self.assertEqual([x["query_source"] for x in r.records],
                         ["user", "template", "template", "template"])
        for out in r.stdout.splitlines():
            self.assertTrue(out.startswith('{"label":"red fox","id":7,"meta":{"k":[1, 2.50]},'))
        self.assertIn("4 queries for 1 label", r.stderr)

    def test_keyword_flags_templates_negatives_and_cap(self):
        r = run("pix-keywords", ["-k", "Cat", "-k", "dog", "--template", "{label} photo",
                                 "--template", "{label}  PHOTO", "--template", "{label} cartoon",
                                 "--negative", "cartoon"], text="not read\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([(x["label"], x["query"]) for x in r.records],
                         [("Cat", "Cat -cartoon"), ("Cat", "Cat photo -cartoon"),
                          ("dog", "dog -cartoon"), ("dog", "dog photo -cartoon")])
        r = run("pix-keywords", ["-k", "cat", "--max-queries-per-label", "2"])
        self.assertEqual(queries(r), ["cat", "cat photo"])
        r = run("pix-keywords", ["-k", "cat", "--no-templates", "--no-label"])
        self.assertEqual(r.returncode, 1)
        self.assertEqual(errors(r), ["no_queries"])

    def test_extra_and_negative_terms_from_the_record(self):
        r = run("pix-keywords", ["--template", "{label} photo"], records=[
            {"label": "arctic fox", "extra_terms": ["polar fox", "Arctic  Fox"],
             "negative_terms": ["stuffed toy"]}])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(queries(r), [
            'arctic fox -"stuffed toy"', 'polar fox -"stuffed toy"',
            'arctic fox photo -"stuffed toy"', 'polar fox photo -"stuffed toy"'])
        self.assertEqual(r.records[0]["extra_terms"], ["polar fox", "Arctic  Fox"])

    def test_bad_records(self):
        failed_before = {"label": "x", "error": {"stage": "fetch", "code": "http_404",
                                                 "message": "m"}}
        r = run("pix-keywords", ["--no-templates"], records=[
            {"id": 1}, {"label": "  "}, {"label": 5}, failed_before, {"label": "ok"}])
        self.assertEqual(r.returncode, 1)
        self.assertEqual(errors(r), ["missing_label"] * 3 + ["http_404"])
        self.assertEqual(r.records[3], failed_before)
        self.assertEqual(queries(r), ["ok"])
        self.assertIn("missing_label: 3", r.stderr)

    def test_invalid_json_line_names_the_line(self):
        r = run("pix-keywords", text='{"label":"a"}\n{nope\n')
        self.assertEqual(r.returncode, 3)
        self.assertIn("<stdin>:2", r.stderr)

    def test_bad_template_is_a_usage_error(self):
        r = run("pix-keywords", ["-k", "x", "--template", "{lable} photo"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown placeholder {lable}", r.stderr)


class KeywordsConfig(TempDirTestCase):
    def write(self, text):
        path = os.path.join(self.tmp, "dataset.yaml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_classes_from_the_config(self):
        path = self.write("""
classes:
  - red fox
  - label: arctic fox
    extra_terms: [polar fox]
    negative_terms: [cartoon]
keywords:
  templates: ["{label} photo"]
""")
        r = run("pix-keywords", ["--config", path])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([(x["label"], x["query"]) for x in r.records], [
            ("red fox", "red fox"), ("red fox", "red fox photo"),
            ("arctic fox", "arctic fox -cartoon"), ("arctic fox", "polar fox -cartoon"),
            ("arctic fox", "arctic fox photo -cartoon"), ("arctic fox", "polar fox photo -cartoon")])
        # With --input the records are read; a matching class lends its settings.
        inp = os.path.join(self.tmp, "in.jsonl")
        with open(inp, "w") as f:
            f.write('{"label":"Arctic fox","n":1}\n')
        r = run("pix-keywords", ["--config", path, "-i", inp, "--no-templates"])
        self.assertEqual(queries(r), ["Arctic fox -cartoon", "polar fox -cartoon"])
        self.assertEqual(r.records[0]["n"], 1)
        # --keyword picks labels, with their class settings.
        r = run("pix-keywords", ["--config", path, "-k", "arctic fox", "--no-templates"])
        self.assertEqual(queries(r), ["arctic fox -cartoon", "polar fox -cartoon"])

    def test_config_errors_name_file_and_line(self):
        path = self.write("keywords:\n  wordnet:\n    depth: deep\n")
        r = run("pix-keywords", ["--config", path, "-k", "x"])
        self.assertEqual(r.returncode, 2)
        self.assertIn(f"{path}:3:12: keywords.wordnet.depth: expected an integer", r.stderr)
        r = run("pix-keywords", ["--config", os.path.join(self.tmp, "missing.yaml"), "-k", "x"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("missing.yaml", r.stderr)

    def test_the_example_dataset_yaml_parses(self):
        example = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__)))), "examples", "dataset.yaml")
        r = run("pix-keywords", ["--config", example, "--no-templates", "--no-label", "-k",
                                 "nothing", "--wordnet-dir", self.tmp], env={"HOME": self.tmp})
        # The example turns WordNet on; the empty --wordnet-dir shows the config was read.
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("WordNet database not found", r.stderr)
        r = run("pix-keywords", ["--config", example, "--no-wordnet", "--no-llm"],
                env={"HOME": self.tmp})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted({x["label"] for x in r.records}),
                         ["arctic fox", "fennec", "red fox"])
        self.assertIn("polar fox -drawing -cartoon -plush", queries(r))


class KeywordsWordNet(TempDirTestCase):
    def setUp(self):
        super().setUp()
        self.wn = os.path.join(self.tmp, "wordnet")
        write_wordnet(self.wn, [
            ("plant", 20, ["red_fox", "Celosia_argentea"], [], "a weedy annual"),
            ("fox", 5, ["red_fox", "Vulpes_vulpes"], ["kit"], "the common Old World fox"),
            ("kit", 5, ["kit_fox", "Vulpes_macrotis", "kit"], ["baby"], "small fox"),
            ("baby", 5, ["fox_cub"], [], "young kit fox"),
            ("gear", 6, ["kit", "outfit"], [], "a set of tools"),
        ], {"red_fox": ["plant", "fox"], "kit_fox": ["kit"], "fox_cub": ["baby"],
            "celosia_argentea": ["plant"], "kit": (["gear", "kit"], 2), "outfit": ["gear"]})

    def keywords(self, *args, records=None):
        return run("pix-keywords", ["--wordnet-dir", self.wn, "--no-templates", *args],
                   records=records or [{"label": "red fox"}])

    def test_synonyms_and_hyponyms_by_depth(self):
        r = self.keywords("--wordnet")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([(x["query"], x["query_source"]) for x in r.records], [
            ("red fox", "user"), ("Vulpes vulpes", "wordnet"), ("kit fox", "wordnet"),
            ("Vulpes macrotis", "wordnet")])
        r = self.keywords("--wordnet-depth", "0")
        self.assertEqual(queries(r, "wordnet"), ["Vulpes vulpes"])
        r = self.keywords("--wordnet-depth", "2")
        self.assertEqual(queries(r, "wordnet")[-1], "fox cub")

    def test_ambiguous_words_are_left_out_unless_asked(self):
        # "kit" is first a set of tools; "kit fox" says what is meant.
        r = self.keywords("--wordnet")
        self.assertNotIn("kit", queries(r))
        self.assertIn("1 WordNet word left out as ambiguous (--wordnet-keep-ambiguous keeps them)",
                      r.stderr)
        r = self.keywords("--wordnet-keep-ambiguous", "--wordnet")
        self.assertEqual(queries(r, "wordnet"), ["Vulpes vulpes", "kit fox", "Vulpes macrotis", "kit"])
        self.assertNotIn("ambiguous", r.stderr)
        config = os.path.join(self.tmp, "dataset.yaml")
        with open(config, "w") as f:
            f.write("keywords:\n  wordnet: {enabled: true, keep_ambiguous: true}\n")
        r = self.keywords("--config", config)
        self.assertIn("kit", queries(r, "wordnet"))

    def test_sense_choice(self):
        # Sense 1 is the plant; auto (the default, above) prefers the animal.
        r = self.keywords("--wordnet-sense", "1", "--wordnet-depth", "0")
        self.assertEqual(queries(r, "wordnet"), ["Celosia argentea"])
        r = self.keywords("--wordnet-sense", "3")
        self.assertEqual(queries(r), ["red fox"])
        self.assertIn("WordNet has 2 sense(s) of \"red fox\", not sense 3", r.stderr)
        r = self.keywords("--wordnet-sense", "first")
        self.assertEqual(r.returncode, 2)

    def test_plural_label_and_unknown_label(self):
        r = self.keywords("--wordnet", "--wordnet-depth", "0", records=[
            {"label": "Red Foxes"}, {"label": "unicorn"}])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(queries(r), ["Red Foxes", "red fox", "Vulpes vulpes", "unicorn"])
        self.assertIn('"unicorn": not a noun in WordNet; no WordNet queries', r.stderr)
        self.assertIn("WordNet knew nothing for 1 label(s)", r.stderr)

    def test_missing_database_is_a_clear_usage_error(self):
        r = run("pix-keywords", ["--wordnet", "--wordnet-dir", os.path.join(self.tmp, "none"),
                                 "-k", "fox"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("WordNet database not found", r.stderr)
        self.assertIn("wordnet-base", r.stderr)
        self.assertEqual(r.stdout, "")


class KeywordsLlm(FixtureServerTestCase):
    def setUp(self):
        super().setUp()
        self.cache = os.path.join(self.tmp, "cache")

    def llm(self, model, *args, protocol="openai", label="red fox", env=None, extra=()):
        base = self.server.url(f"/llm/{protocol}/v1")
        return run("pix-keywords", [
            "-k", label, "--no-templates", "--llm", "--llm-provider", protocol,
            "--llm-base-url", base, "--llm-model", model, "--allow-private",
            "--llm-cache", self.cache, *args, *extra],
            env={"OPENAI_API_KEY": "", "ANTHROPIC_API_KEY": "", **(env or {})})

    def requests(self):
        return sum(n for p, n in self.server.stats()["counts"].items() if p.startswith("/llm/")
                   and not p.startswith("/llm/_"))

    def bodies(self):
        import urllib.request
        with urllib.request.urlopen(self.server.url("/llm/_bodies"), timeout=10) as r:
            return [json.loads(b) for b in json.loads(r.read())]

    GOOD = ["red fox in the wild", "Baby red fox", "red fox portrait"]

    def test_openai_answer_is_deduped_and_cached(self):
        r = self.llm("good")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([(x["query"], x["query_source"]) for x in r.records],
                         [("red fox", "user")] + [(q, "llm") for q in self.GOOD])
        self.assertEqual(self.requests(), 1)
        body = self.bodies()[0]
        self.assertEqual(body["model"], "good")
        self.assertEqual(body["messages"][0]["role"], "system")
        self.assertIn('"red fox"', body["messages"][1]["content"])
        self.assertIn("1 request(s), 0 answer(s) from the cache", r.stderr)
        again = self.llm("good")
        self.assertEqual(again.stdout, r.stdout)
        self.assertEqual(self.requests(), 1)
        self.assertIn("0 request(s), 1 answer(s) from the cache", again.stderr)
        # A different prompt setting is a different cache key.
        self.llm("good", "--llm-count", "3")
        self.assertEqual(self.requests(), 2)
        # --no-llm-cache asks every time.
        self.llm("good", "--no-llm-cache")
        self.assertEqual(self.requests(), 3)

    def test_anthropic_with_key_from_the_named_variable(self):
        r = self.llm("good", "--llm-key-env", "MY_ANTHROPIC_KEY", protocol="anthropic",
                     env={"MY_ANTHROPIC_KEY": "test-key"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(queries(r, "llm"), self.GOOD)
        sent = [q for q in self.server.stats()["requests"] if q["path"].startswith("/llm/anth")]
        self.assertEqual(sent[0]["headers"].get("x-api-key"), "test-key")
        self.assertNotIn("Authorization", sent[0]["headers"])
        body = self.bodies()[0]
        self.assertIn("max_tokens", body)
        self.assertIn("system", body)

    def test_openai_key_is_sent_as_bearer(self):
        # The variable is named, so the user means it for this server.
        r = self.llm("good", "--llm-key-env", "OPENAI_API_KEY", env={"OPENAI_API_KEY": "sk-test"})
        self.assertEqual(r.returncode, 0, r.stderr)
        sent = [q for q in self.server.stats()["requests"] if q["path"].startswith("/llm/open")]
        self.assertEqual(sent[0]["headers"].get("Authorization"), "Bearer sk-test")

    def test_imperfect_answers_are_parsed(self):
        for model, expected in [("prose", self.GOOD), ("fenced", self.GOOD),
                                ("malformed", self.GOOD), ("truncated", self.GOOD[:2])]:
            for protocol, env in [("openai", {}), ("anthropic", {"ANTHROPIC_API_KEY": "k"})]:
                with self.subTest(model=model, protocol=protocol):
                    r = self.llm(model, "--llm-key-env", "ANTHROPIC_API_KEY", protocol=protocol,
                                 env=env) if env else self.llm(model, protocol=protocol)
                    self.assertEqual(r.returncode, 0, r.stderr)
                    self.assertEqual(queries(r, "llm"), expected)

    def test_unusable_answers_are_error_records_and_not_cached(self):
        for model, code in [("garbage", "llm_bad_answer"), ("empty", "llm_empty_answer"),
                            ("error200", "llm_bad_response")]:
            with self.subTest(model=model):
                before = self.requests()
                r = self.llm(model)
                self.assertEqual(r.returncode, 1, r.stderr)
                self.assertEqual(queries(r), ["red fox"])  # the other sources still count
                self.assertEqual(errors(r), [code])
                failed = r.records[-1]
                self.assertEqual(failed["label"], "red fox")
                self.assertEqual(failed["error"]["stage"], "keywords")
                self.assertNotIn("query", failed)
                self.llm(model)
                self.assertEqual(self.requests(), before + 2)
        r = self.llm("garbage")
        self.assertIn("I am sorry", r.records[-1]["error"]["message"])

    def test_http_failures(self):
        for model, code, protocol in [
                ("unauthorized", "llm_unauthorized", "openai"),
                ("unauthorized", "llm_unauthorized", "anthropic"),
                ("good", "llm_unauthorized", "anthropic"),  # no x-api-key at all
                ("notfound", "llm_not_found", "openai"),
                ("ratelimit", "llm_rate_limited", "openai"),
                ("servererror", "llm_server_error", "anthropic")]:
            with self.subTest(model=model, protocol=protocol):
                key = ["--llm-key-env", "MY_KEY"] if model != "good" else []
                r = self.llm(model, "--retries", "0", *key, protocol=protocol, env={"MY_KEY": "k"})
                self.assertEqual(r.returncode, 1, r.stderr)
                self.assertEqual(errors(r), [code])
                self.assertIn(code, r.stderr)
        r = self.llm("unauthorized", "--retries", "0")
        self.assertIn("HTTP 401 from the LLM server: Incorrect API key provided",
                      r.records[-1]["error"]["message"])

    def test_429_with_retry_after_is_retried(self):
        r = self.llm("ratelimit-once", "--retries", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(queries(r, "llm"), self.GOOD)
        self.assertEqual(self.requests(), 2)

    def test_a_hanging_server_times_out(self):
        r = self.llm("hang", "--timeout", "1", "--retries", "0")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(errors(r), ["llm_timeout"])
        self.assertEqual(queries(r), ["red fox"])

    def test_loopback_is_refused_without_allow_private(self):
        base = self.server.url("/llm/openai/v1")
        r = run("pix-keywords", ["-k", "fox", "--no-templates", "--llm", "--llm-base-url", base,
                                 "--llm-model", "good", "--no-llm-cache", "--retries", "0"])
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(errors(r), ["llm_blocked_address"])
        self.assertEqual(self.requests(), 0)

    def test_base_url_from_the_environment(self):
        r = run("pix-keywords", ["-k", "red fox", "--no-templates", "--llm", "--llm-model", "good",
                                 "--allow-private", "--no-llm-cache"],
                env={"PIX_LLM_BASE_URL": self.server.url("/llm/openai/v1")})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(queries(r, "llm"), self.GOOD)

    def test_settings_that_cannot_work(self):
        r = run("pix-keywords", ["-k", "x", "--llm"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("needs a model", r.stderr)
        r = self.llm("good", "--llm-key-env", "PIX_TEST_UNSET_KEY")
        self.assertEqual(r.returncode, 2)
        self.assertIn("PIX_TEST_UNSET_KEY is not set", r.stderr)

    def test_a_capped_label_asks_no_model(self):
        r = self.llm("good", "--max-queries-per-label", "1")
        self.assertEqual(queries(r), ["red fox"])
        self.assertEqual(self.requests(), 0)


if __name__ == "__main__":
    unittest.main()
