#!/usr/bin/env python3
"""`pix-serve sign --s3`: the presigned URL a user gets from the command line,
checked against an independent SigV4 implementation in Python (the library
is checked against AWS's published example in lib/serve/s3_presign_test.cpp)."""
import datetime
import hashlib
import hmac
import os
import subprocess
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

KEY_ID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def h(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def expected_signature(url):
    """Recomputes X-Amz-Signature of a presigned GET URL from its parts."""
    parts = urllib.parse.urlsplit(url)
    pairs = [p.split("=", 1) for p in parts.query.split("&")]
    signature = dict(pairs)["X-Amz-Signature"]
    query = "&".join(f"{k}={v}" for k, v in sorted(pairs) if k != "X-Amz-Signature")
    canonical = "\n".join(["GET", parts.path, query, f"host:{parts.netloc}", "", "host",
                           "UNSIGNED-PAYLOAD"])
    params = {k: urllib.parse.unquote(v) for k, v in pairs}
    date, region = params["X-Amz-Credential"].split("/")[1:3]
    scope = f"{date}/{region}/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", params["X-Amz-Date"], scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = h(h(h(h(("AWS4" + SECRET).encode(), date), region), "s3"), "aws4_request")
    return signature, hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest(), params


class S3SignTest(unittest.TestCase):
    def sign(self, *args, env=None):
        full = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        full.update({"AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET})
        full.update(env or {})
        return subprocess.run([harness.tool("pix-serve"), "sign", *args], capture_output=True,
                              text=True, timeout=30, env={k: v for k, v in full.items() if v})

    def test_virtual_hosted_on_aws(self):
        run = self.sign("--s3", "s3://datasets/cats/v1 final.tar.zst", "--region", "eu-west-1",
                        "--expires", "3600")
        self.assertEqual(run.returncode, 0, run.stderr)
        url = run.stdout.strip()
        self.assertTrue(url.startswith(
            "https://datasets.s3.eu-west-1.amazonaws.com/cats/v1%20final.tar.zst?"), url)
        given, wanted, params = expected_signature(url)
        self.assertEqual(given, wanted)
        self.assertEqual(params["X-Amz-Expires"], "3600")
        self.assertTrue(params["X-Amz-Credential"].startswith(KEY_ID + "/"))
        signed_at = datetime.datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
        now = datetime.datetime.utcnow()
        self.assertLess(abs((now - signed_at).total_seconds()), 300)

    def test_path_style_custom_endpoint_and_session_token(self):
        run = self.sign("--s3", "s3://datasets/cats.tar", "--expires", "7d",
                        env={"AWS_ENDPOINT_URL": "http://127.0.0.1:9000",
                             "AWS_SESSION_TOKEN": "tok/en+1"})
        self.assertEqual(run.returncode, 0, run.stderr)
        url = run.stdout.strip()
        self.assertTrue(url.startswith("http://127.0.0.1:9000/datasets/cats.tar?"), url)
        given, wanted, params = expected_signature(url)
        self.assertEqual(given, wanted)
        self.assertEqual(params["X-Amz-Security-Token"], "tok/en+1")
        self.assertIn("/us-east-1/s3/aws4_request", params["X-Amz-Credential"])
        run = self.sign("--s3", "s3://datasets/cats.tar", "--endpoint",
                        "https://acct.r2.cloudflarestorage.com", "--region", "auto",
                        "--addressing", "virtual")
        self.assertTrue(run.stdout.startswith(
            "https://datasets.acct.r2.cloudflarestorage.com/cats.tar?"), run.stdout)

    def test_refusals(self):
        self.assertEqual(self.sign("--s3", "s3://b/k", "--expires", "8d").returncode, 2)
        self.assertEqual(self.sign("--s3", "b/k").returncode, 2)
        run = self.sign("--s3", "s3://b/k", env={"AWS_SECRET_ACCESS_KEY": ""})
        self.assertEqual(run.returncode, 2)
        self.assertIn("AWS_SECRET_ACCESS_KEY", run.stderr)


if __name__ == "__main__":
    unittest.main()
