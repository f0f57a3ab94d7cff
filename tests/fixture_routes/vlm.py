"""Fake vision-language model for pix-label's `vlm` backend, over both
protocols:

    POST /vlm/openai/<anything>/chat/completions
    POST /vlm/anthropic/<anything>/messages
    GET  /vlm/_requests      JSON {"count": N, "sizes": [[w, h], ...], "concurrent_peak": P,
                             "image_first": [true|false, ...]}

The request must carry one JPEG (OpenAI data: URL, or Anthropic base64
source) and the candidate labels in the user text as `Candidate labels: a, b,
c.` The fake "sees" by the JPEG's shape: a landscape picture shows the first
candidate, a portrait one the second, a square one none of them. The
behaviour is chosen by the model name:

    good            {"label": ..., "confidence": 0.9} (square: {"label": "none", ...})
    prose           the same JSON in chatter and a ```json fence
    malformed       {'label': 'X', 'confidence': 90,} (single quotes, a percentage, a trailing comma)
    plain           no JSON: "This looks like a X to me."
    refuse          "I'm sorry, but I can't help with identifying this image."
    slow            good, after 1.5 s
    unauthorized    401, always
    ratelimit-once  429 with Retry-After: 1 on each image's first request, then good
    ratelimit       429 with Retry-After: 1, always
    noimage         a llama.cpp server started without --mmproj: 500 "image
                    input is not supported", always
    reasoning       an OpenAI reasoning model: refuses max_tokens and a
                    temperature other than 1 (as the LLM fake), else good
"""
import base64
import hashlib
import json
import re
import threading
import time

from fixture_routes.judge import _jpeg_size, send_no_image_support
from fixture_routes.llm import _Protocol, _live_refusal

_active = {"now": 0, "peak": 0}
_active_lock = threading.Lock()


def _parts(req, protocol):
    """(jpeg bytes, user text, whether the image came before the text)."""
    image, texts, image_first = None, [], None
    for m in req.get("messages", []):
        content = m.get("content")
        if isinstance(content, str):
            texts.append(content)
            continue
        for p in content or []:
            if not isinstance(p, dict):
                continue
            if p.get("type") == "text":
                texts.append(p.get("text", ""))
                image_first = image_first if image_first is not None else False
            if protocol == "openai":
                url = (p.get("image_url") or {}).get("url", "")
                if url.startswith("data:image/jpeg;base64,"):
                    image = base64.b64decode(url.split(",", 1)[1])
            elif p.get("type") == "image":
                src = p.get("source") or {}
                if src.get("media_type") == "image/jpeg":
                    image = base64.b64decode(src.get("data", ""))
            if image is not None and image_first is None:
                image_first = True
    return image, "\n".join(texts), bool(image_first)


def _answer(model, size, candidates):
    w, h = size
    seen = candidates[0] if w > h else candidates[1] if h > w and len(candidates) > 1 else "none"
    good = json.dumps({"label": seen, "confidence": 0.9})
    if model in ("good", "slow", "ratelimit-once", "reasoning"):
        return good
    if model == "prose":
        return f"Let me look.\n```json\n{good}\n```\nI hope that helps."
    if model == "malformed":
        return f"{{'label': '{seen}', 'confidence': 90,}}"
    if model == "plain":
        return f"This looks like a {seen} to me."
    if model == "refuse":
        return "I'm sorry, but I can't help with identifying this image."
    return None


def _serve(protocol_name, endpoint):
    protocol = _Protocol(protocol_name)

    def handler(h, url):
        if h.command != "POST" or not url.path.endswith(endpoint):
            h.send_body(404, json.dumps({"error": "no such endpoint"}), "application/json")
            return
        try:
            req = json.loads(h.read_body())
        except ValueError:
            protocol.error(h, 400, "invalid_request_error", "body is not JSON")
            return
        problem = protocol.check(h, req)
        image, text, image_first = (None, "", False) if problem else _parts(req, protocol_name)
        match = re.search(r"Candidate labels: (.*?)\.(\n|$)", text)
        if not problem and (image is None or not match):
            problem = (400, "invalid_request_error", "expected one JPEG and 'Candidate labels: ...'")
        if problem:
            protocol.error(h, *problem)
            return
        size = _jpeg_size(image) or (1, 1)
        with h.state.lock:
            h.state.keys.setdefault("vlm_sizes", []).append(list(size))
            h.state.keys.setdefault("vlm_image_first", []).append(image_first)
        with _active_lock:
            _active["now"] += 1
            _active["peak"] = max(_active["peak"], _active["now"])
        try:
            model = req["model"]
            if model == "unauthorized":
                protocol.error(h, 401, "authentication_error", "Incorrect API key provided")
                return
            refusal = _live_refusal(protocol, h, req, model, "") if model == "reasoning" else None
            if refusal:
                protocol.error(h, *refusal)
                return
            if model == "noimage":
                send_no_image_support(h)
                return
            key = "vlm-429:" + hashlib.sha256(image).hexdigest()
            if model == "ratelimit" or (model == "ratelimit-once" and h.state.bump(key) == 1):
                protocol.error(h, 429, "rate_limit_error", "Rate limit reached", [("Retry-After", "1")])
                return
            if model == "slow":
                time.sleep(1.5)
            candidates = [c.strip() for c in match.group(1).split(",")]
            answer = _answer(model, size, candidates)
            if answer is None:
                protocol.error(h, 404, "not_found_error", f"model '{model}' not found")
                return
            protocol.answer(h, model, answer, "stop")
        finally:
            with _active_lock:
                _active["now"] -= 1
    return handler


def requests(h, url):
    with h.state.lock:
        sizes = list(h.state.keys.get("vlm_sizes", []))
        image_first = list(h.state.keys.get("vlm_image_first", []))
    with _active_lock:
        peak = _active["peak"]
        if "reset" in url.query:
            _active["peak"] = 0
    h.send_body(200, json.dumps({"count": len(sizes), "sizes": sizes, "concurrent_peak": peak,
                                  "image_first": image_first}),
                "application/json")


ROUTES = [
    ("/vlm/openai/", _serve("openai", "/chat/completions")),
    ("/vlm/anthropic/", _serve("anthropic", "/messages")),
    ("/vlm/_requests", requests),
]
