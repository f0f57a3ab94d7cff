"""Fake vision model for pix-validate's AI judge: OpenAI's chat-completions
protocol, answering quality judgements.

    POST /judge/<anything>/chat/completions
    GET  /judge/_requests    JSON {"count": N, "images": [[width, height], ...],
                             "image_first": [true, ...]}: the JPEGs received
                             since /_reset, decoded enough to read their size,
                             and whether each came before the text (as
                             Anthropic recommends for vision prompts)

The request must carry one image as a data:image/jpeg;base64 URL (otherwise
400). The behaviour is chosen by the model name:

    good            {"score": 0.9, "reason": "..."}, or 0.1 for pictures taller than wide
    prose           the same JSON inside chatter and a ```json fence
    percent         {"score": 90, ...}: a 0..100 scale
    out-of-range    {"score": 150, ...}
    garbage         no JSON at all
    ratelimit       429 with Retry-After: 1, always
    ratelimit-once  429 with Retry-After: 1 on the first request for each image, then good
    servererror     500, always
    hang            answers nothing for 30 s (or until the client goes away)
    noimage         a llama.cpp server started without --mmproj: 500 "image
                    input is not supported", always
    slow            good, after 0.4 s (to count requests in flight)
    unauthorized    401, always
"""
import base64
import hashlib
import json
import struct
import time

from fixture_routes.llm import _Protocol, _hang  # the same wire format and stalling

OPENAI = _Protocol("openai")


def _image_first(req):
    """Whether the user message's first image part comes before its first text part."""
    for m in req.get("messages", []):
        if m.get("role") != "user":
            continue
        content = m.get("content")
        if isinstance(content, str):
            return False
        for part in content or []:
            kind = part.get("type") if isinstance(part, dict) else None
            if kind in ("image_url", "image"):
                return True
            if kind == "text":
                return False
    return False


def _jpeg_size(data):
    """(width, height) from a JPEG's frame header, or None."""
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[pos + 5:pos + 9])
            return width, height
        pos += 2 + length
    return None


def _image_of(req):
    for m in req.get("messages", []):
        content = m.get("content")
        if not isinstance(content, list):
            continue
        for part in content:
            url = (part.get("image_url") or {}).get("url", "") if isinstance(part, dict) else ""
            prefix = "data:image/jpeg;base64,"
            if url.startswith(prefix):
                return base64.b64decode(url[len(prefix):])
    return None


def _verdict(size, behaviour):
    portrait = size is not None and size[1] > size[0]
    score = 0.1 if portrait else 0.9
    reason = "tall and dull" if portrait else "sharp, well exposed, clear subject"
    good = json.dumps({"score": score, "reason": reason})
    return {
        "good": good,
        "ratelimit-once": good,
        "prose": f"Here is my judgement:\n```json\n{good}\n```\nHope this helps!",
        "percent": json.dumps({"score": round(score * 100), "reason": reason}),
        "out-of-range": json.dumps({"score": 150, "reason": reason}),
        "garbage": "I am unable to rate pictures.",
    }.get(behaviour)


def send_no_image_support(h):
    """What a llama.cpp server started without --mmproj answers to an image."""
    h.send_body(500, json.dumps({"error": {
        "code": 500, "type": "server_error",
        "message": "image input is not supported - hint: if this is unexpected, you may "
                   "need to provide the mmproj"}}), "application/json")


def completions(h, url):
    if url.path == "/judge/_requests":
        with h.state.lock:
            images = list(h.state.keys.get("judge_images", []))
            order = list(h.state.keys.get("judge_image_first", []))
        h.send_body(200, json.dumps({"count": len(images), "images": images, "image_first": order}),
                    "application/json")
        return
    if h.command != "POST" or not url.path.endswith("/chat/completions"):
        h.send_body(404, json.dumps({"error": "no such endpoint"}), "application/json")
        return
    try:
        req = json.loads(h.read_body())
    except ValueError:
        OPENAI.error(h, 400, "invalid_request_error", "body is not JSON")
        return
    problem = OPENAI.check(h, req)
    image = _image_of(req) if not problem else None
    if not problem and image is None:
        problem = (400, "invalid_request_error", "expected one image_url with a JPEG data URL")
    if problem:
        OPENAI.error(h, *problem)
        return
    size = _jpeg_size(image)
    with h.state.lock:
        h.state.keys.setdefault("judge_images", []).append(list(size) if size else None)
        h.state.keys.setdefault("judge_image_first", []).append(_image_first(req))
    model = req["model"]
    if model == "hang":
        _hang(h)
        return
    if model == "noimage":
        send_no_image_support(h)
        return
    if model == "unauthorized":
        OPENAI.error(h, 401, "invalid_request_error", "Incorrect API key provided")
        return
    if model == "slow":
        time.sleep(0.4)
        model = "good"
    key = "judge-429:" + hashlib.sha256(image).hexdigest()
    if model == "ratelimit" or (model == "ratelimit-once" and h.state.bump(key) == 1):
        OPENAI.error(h, 429, "rate_limit_error", "Rate limit reached", [("Retry-After", "1")])
        return
    if model == "servererror":
        OPENAI.error(h, 500, "api_error", "Internal server error")
        return
    text = _verdict(size, model)
    if text is None:
        OPENAI.error(h, 404, "not_found_error", f"model '{model}' not found")
        return
    OPENAI.answer(h, model, text, "stop")


ROUTES = [("/judge/", completions)]
