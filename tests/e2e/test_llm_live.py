#!/usr/bin/env python3
"""The model APIs as they behave today (issue 15), through pix-keywords --llm:
OpenAI's reasoning models refuse max_tokens and temperature, Anthropic's
newest models refuse temperature, 529 and 409 are transient, a used-up
quota and an hour-long Retry-After are not worth waiting for, a moved
endpoint must not receive the key, the default key variable stays with its
provider, and an error that quotes the key is masked."""
import json
import os
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FixtureServerTestCase, run  # noqa: E402


def llm_queries(r):
    return [x["query"] for x in r.records if x.get("query_source") == "llm"]


def errors(r):
    return [x["error"]["code"] for x in r.records if "error" in x]


class LiveModelApis(FixtureServerTestCase):
    GOOD = ["red fox in the wild", "Baby red fox", "red fox portrait"]

    def keywords(self, model, *args, protocol="openai", base=None, env=None, labels=("red fox",)):
        base = base or self.server.url(f"/llm/{protocol}/v1")
        label_args = [a for label in labels for a in ("-k", label)]
        return run("pix-keywords", [
            *label_args, "--no-templates", "--llm", "--llm-provider", protocol,
            "--llm-base-url", base, "--llm-model", model, "--allow-private", "--no-llm-cache",
            *args], env={"OPENAI_API_KEY": "", "ANTHROPIC_API_KEY": "", **(env or {})})

    def bodies(self):
        with urllib.request.urlopen(self.server.url("/llm/_bodies"), timeout=10) as r:
            return [json.loads(b) for b in json.loads(r.read())]

    def sent(self, prefix="/llm/"):
        return [q for q in self.server.stats()["requests"] if q["path"].startswith(prefix)]

    def test_reasoning_model_behind_another_host_name(self):
        # A loopback host is not api.openai.com, so max_tokens goes first; the
        # 400 naming it switches to max_completion_tokens, once, for the run.
        r = self.keywords("reasoning", "--llm-temperature", "0",
                          labels=("red fox", "arctic fox", "fennec"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(llm_queries(r)[:3], self.GOOD)
        bodies = self.bodies()
        self.assertIn("max_tokens", bodies[0])
        self.assertIn("max_completion_tokens", bodies[-1])
        self.assertNotIn("temperature", bodies[-1])
        # Two refusals were learnt from; the later labels were asked once each.
        self.assertLessEqual(len(bodies), 3 + 2)
        self.assertTrue(all("max_tokens" not in b for b in bodies[3:]))

    def test_no_temperature_by_default(self):
        r = self.keywords("reasoning", "--llm-token-field", "max_completion_tokens")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(self.bodies()), 1)
        self.assertNotIn("temperature", self.bodies()[0])

    def test_anthropic_temperature_deprecated(self):
        r = self.keywords("no-temperature", "--llm-temperature", "0.2", "--llm-key-env", "K",
                          protocol="anthropic", env={"K": "k"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(llm_queries(r), self.GOOD)
        self.assertNotIn("temperature", self.bodies()[-1])

    def test_anthropic_529_overloaded_is_retried(self):
        r = self.keywords("overloaded-once", "--llm-key-env", "K", "--retries", "2",
                          protocol="anthropic", env={"K": "k"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(llm_queries(r), self.GOOD)
        self.assertEqual(len(self.bodies()), 2)

    def test_409_is_retried(self):
        r = self.keywords("conflict-once", "--retries", "2")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(self.bodies()), 2)

    def test_used_up_quota_is_not_retried(self):
        r = self.keywords("quota", "--retries", "3")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(errors(r), ["llm_quota_exceeded"])
        self.assertIn("quota", r.records[-1]["error"]["message"])
        self.assertEqual(len(self.bodies()), 1)

    def test_retry_after_beyond_the_longest_wait_fails_at_once(self):
        r = self.keywords("wait-an-hour", "--retries", "3")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(errors(r), ["llm_rate_limited"])
        self.assertIn("3600 s", r.records[-1]["error"]["message"])
        self.assertEqual(len(self.bodies()), 1)
        self.assertLess(r.elapsed, 30)

    def test_retry_after_ms_is_obeyed(self):
        # Retry-After says an hour; retry-after-ms, which wins, says 200 ms.
        r = self.keywords("retry-ms-once", "--retries", "2")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(llm_queries(r), self.GOOD)
        self.assertEqual(len(self.bodies()), 2)
        self.assertLess(r.elapsed, 30)

    def test_x_should_retry_false_is_obeyed(self):
        r = self.keywords("no-retry-503", "--retries", "3")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(len(self.bodies()), 1)
        self.assertIn("x-should-retry", r.records[-1]["error"]["message"])

    def test_reasoning_that_uses_up_the_limit_is_explained(self):
        r = self.keywords("reasoning-empty", "--llm-token-field", "max_completion_tokens")
        self.assertEqual(errors(r), ["llm_empty_answer"])
        message = r.records[-1]["error"]["message"]
        self.assertIn("512 reasoning tokens", message)
        self.assertIn("reasoning_effort", message)

    def test_a_moved_endpoint_does_not_receive_the_key(self):
        if "127.0.0.2" not in self.server.hosts:
            self.skipTest("needs 127.0.0.2")
        base = self.server.url("/llm/redirect/anthropic/v1")
        r = self.keywords("good", "--llm-key-env", "K", protocol="anthropic", base=base,
                          env={"K": "secret-anthropic-key"})
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(errors(r), ["llm_redirected"])
        self.assertIn("127.0.0.2", r.records[-1]["error"]["message"])
        elsewhere = [q for q in self.sent() if q["host"] == "127.0.0.2"]
        self.assertEqual(elsewhere, [])

    def test_default_key_variable_stays_with_its_provider(self):
        r = self.keywords("good", env={"OPENAI_API_KEY": "sk-meant-for-openai"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("Authorization", self.sent()[0]["headers"])
        # A 401 from such a server says why no key went.
        r = self.keywords("good", "--retries", "0", protocol="anthropic",
                          env={"ANTHROPIC_API_KEY": "sk-ant-meant-for-anthropic"})
        self.assertEqual(errors(r), ["llm_unauthorized"])
        self.assertIn("--llm-key-env", r.records[-1]["error"]["message"])

    def test_quoted_key_is_masked(self):
        key = "sk-proj-0123456789abcdefghijklmnop"
        r = self.keywords("echo-key", "--llm-key-env", "K", "--retries", "0", env={"K": key})
        self.assertEqual(errors(r), ["llm_unauthorized"])
        self.assertNotIn("0123456789abcdef", r.stdout)
        self.assertNotIn("0123456789abcdef", r.stderr)
        self.assertIn("sk-***", r.records[-1]["error"]["message"])


if __name__ == "__main__":
    unittest.main()
