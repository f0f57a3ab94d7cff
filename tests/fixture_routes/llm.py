"""Fake language-model servers for the tests: OpenAI's chat-completions
protocol (as OpenAI, Ollama, llama.cpp's server and vLLM speak it) and
Anthropic's messages API.

    POST /llm/openai/<anything>/chat/completions
    POST /llm/anthropic/<anything>/messages
    POST /llm/redirect/<protocol>/<anything>
                             307 to the same path under /llm/<protocol>/ on the
                             other loopback address (127.0.0.2): a model endpoint
                             that moved; a client that follows carries the key
                             to another host
    GET  /llm/_bodies        JSON list of the request bodies received since /_reset

Both check the request the way the real services do (JSON body, model,
messages, Anthropic's anthropic-version header, max_tokens and x-api-key)
and answer 400 or 401 with the service's error shape when it is wrong. The
behaviour is chosen by the model name, so one server serves every test:

    good            {"queries": [...]} built from the first "quoted" text in the prompt
    prose           the same JSON with chatter before and after it
    fenced          the same JSON in a ```json code fence
    malformed       repairable JSON: single quotes, trailing commas
    truncated       JSON cut off by the token limit (finish_reason "length")
    garbage         no JSON and no list at all
    error200        HTTP 200 with an error object (some proxies do this)
    empty           an answer with empty content
    unauthorized    401 with the service's error body
    notfound        404 "model not found"
    ratelimit       429 with Retry-After: 1, always
    ratelimit-once  429 with Retry-After: 1 on the first request per label, then good
    servererror     500, always
    hang            answers nothing for 30 s (or until the client goes away)

Behaviours of the live services as of late 2026:

    reasoning       an OpenAI reasoning model (o-series, GPT-5): 400
                    unsupported_parameter for max_tokens ("use
                    max_completion_tokens"), 400 unsupported_value for any
                    temperature but 1; then good
    no-temperature  Anthropic's newest models: 400 "temperature is deprecated
                    for this model" when a temperature is sent; then good
    overloaded-once 529 overloaded_error (Anthropic's shape) on the first
                    request per label, then good
    conflict-once   409 on the first request per label, then good
    quota           429 insufficient_quota (a used-up account), always
    wait-an-hour    429 with Retry-After: 3600, always
    echo-key        401 whose message quotes the key it was sent, as some
                    providers and proxies do
    retry-ms-once   429 with retry-after-ms: 200 (and Retry-After: 3600, which
                    a client that ignores retry-after-ms would refuse to wait
                    for) on the first request per label, then good
    no-retry-503    503 with x-should-retry: false, always (OpenAI's and
                    Anthropic's servers say so when a retry cannot help)
    reasoning-empty an OpenAI reasoning model that spent the whole token limit
                    thinking: empty content, finish_reason "length", usage
                    with 512 reasoning_tokens

Answers for a label L under "good": "L in the wild", "Baby L", "L portrait",
"L  PORTRAIT" (a duplicate once case and spaces are folded) and "L" itself.
"""
import json
import re
import select
import socket
import time

ANTHROPIC_VERSION = "2023-06-01"


def _label_of(messages):
    for m in messages:
        content = m.get("content")
        texts = [content] if isinstance(content, str) else [
            p.get("text", "") for p in content or [] if isinstance(p, dict)]
        for text in texts:
            match = re.search(r'"([^"]+)"', text or "")
            if match:
                return match.group(1)
    return "thing"


def _queries(label):
    return [f"{label} in the wild", f"Baby {label}", f"{label} portrait",
            f"{label.upper()}  PORTRAIT", label]


def _answer_text(behaviour, label):
    good = json.dumps({"queries": _queries(label)})
    if behaviour in ("good", "ratelimit-once"):
        return good, "stop"
    if behaviour == "prose":
        return f"Sure! Here are some search queries for \"{label}\" [as requested]:\n{good}\n" \
               "Let me know if you need more.", "stop"
    if behaviour == "fenced":
        return f"Here you go:\n```json\n{good}\n```\n", "stop"
    if behaviour == "malformed":
        items = ", ".join(f"'{q}'" for q in _queries(label))
        return f"{{'queries': [{items},],}}", "stop"
    if behaviour == "truncated":  # cut after the second item, as a token limit would
        return good[:good.index(", ", good.index(", ") + 1) + 1], "length"
    if behaviour == "garbage":
        return "I am sorry, but I cannot help with that request.", "stop"
    if behaviour == "empty":
        return "", "stop"
    if behaviour == "reasoning-empty":
        return "", "length"
    return None, None


def _hang(h, seconds=30):
    """Holds the request open without answering, until the client leaves."""
    deadline = time.monotonic() + seconds
    conn = h.connection
    while time.monotonic() < deadline:
        readable, _, _ = select.select([conn], [], [], 0.1)
        if readable:
            try:
                if conn.recv(1, socket.MSG_PEEK) == b"":
                    break
            except OSError:
                break
    h.close_connection = True


def _record_body(h, raw):
    st = h.state
    with st.lock:
        st.keys.setdefault("llm_bodies", []).append(raw.decode("utf-8", "replace"))


class _Protocol:
    """What differs between the two APIs."""

    def __init__(self, name):
        self.name = name

    def error(self, h, status, kind, message, headers=()):
        if self.name == "anthropic":
            body = {"type": "error", "error": {"type": kind, "message": message}}
        else:
            code = {"insufficient_quota": "insufficient_quota"}.get(kind)
            param = None
            if message.startswith("Unsupported parameter: 'max_tokens'"):
                param, code = "max_tokens", "unsupported_parameter"
            elif message.startswith("Unsupported value: 'temperature'"):
                param, code = "temperature", "unsupported_value"
            body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
        h.send_body(status, json.dumps(body), "application/json", headers)

    def answer(self, h, model, text, finish):
        if self.name == "anthropic":
            stop = "max_tokens" if finish == "length" else "end_turn"
            body = {"id": "msg_fake", "type": "message", "role": "assistant", "model": model,
                    "content": [{"type": "text", "text": text}] if text else [],
                    "stop_reason": stop, "stop_sequence": None,
                    "usage": {"input_tokens": 42, "output_tokens": len(text.split())}}
        else:
            body = {"id": "chatcmpl-fake", "object": "chat.completion", "created": 0,
                    "model": model,
                    "choices": [{"index": 0, "finish_reason": finish,
                                 "message": {"role": "assistant", "content": text}}],
                    "usage": {"prompt_tokens": 42, "completion_tokens": len(text.split()),
                              "total_tokens": 42 + len(text.split())}}
            if model == "reasoning-empty":
                body["usage"].update(completion_tokens=512, total_tokens=554,
                                     completion_tokens_details={"reasoning_tokens": 512})
        h.send_body(200, json.dumps(body), "application/json")

    def check(self, h, req):
        """Returns an error (status, kind, message) for an invalid request, else None."""
        if not isinstance(req, dict) or not isinstance(req.get("model"), str):
            return 400, "invalid_request_error", "model: field required"
        messages = req.get("messages")
        if not isinstance(messages, list) or not messages:
            return 400, "invalid_request_error", "messages: field required"
        for m in messages:
            if m.get("role") not in ("user", "assistant", "system"):
                return 400, "invalid_request_error", "messages: bad role"
        if self.name == "anthropic":
            if h.headers.get("anthropic-version") != ANTHROPIC_VERSION:
                return 400, "invalid_request_error", "anthropic-version: header required"
            if not h.headers.get("x-api-key"):
                return 401, "authentication_error", "x-api-key header is required"
            if not isinstance(req.get("max_tokens"), int):
                return 400, "invalid_request_error", "max_tokens: field required"
            if any(m.get("role") == "system" for m in messages):
                return 400, "invalid_request_error", "system goes in the top-level field"
        else:
            auth = h.headers.get("Authorization")
            if auth is not None and not auth.startswith("Bearer "):
                return 401, "invalid_request_error", "malformed Authorization header"
        return None


def _serve(protocol, endpoint):
    def handler(h, url):
        if h.command != "POST" or not url.path.endswith(endpoint):
            h.send_body(404, json.dumps({"error": "no such endpoint"}), "application/json")
            return
        raw = h.read_body()
        _record_body(h, raw)
        if "application/json" not in (h.headers.get("Content-Type") or ""):
            protocol.error(h, 400, "invalid_request_error", "Content-Type must be JSON")
            return
        try:
            req = json.loads(raw)
        except ValueError:
            protocol.error(h, 400, "invalid_request_error", "body is not JSON")
            return
        problem = protocol.check(h, req)
        if problem:
            protocol.error(h, *problem)
            return
        model = req["model"]
        label = _label_of(req["messages"])
        refusal = _live_refusal(protocol, h, req, model, label)
        if refusal:
            protocol.error(h, *refusal)
            return
        if model == "hang":
            _hang(h)
            return
        if model == "unauthorized":
            protocol.error(h, 401, "authentication_error", "Incorrect API key provided")
            return
        if model == "notfound":
            protocol.error(h, 404, "not_found_error", f"model '{model}' not found")
            return
        if model == "ratelimit" or (
                model == "ratelimit-once" and h.state.bump(f"llm-429:{label}") == 1):
            protocol.error(h, 429, "rate_limit_error", "Rate limit reached, slow down",
                           [("Retry-After", "1")])
            return
        if model == "servererror":
            protocol.error(h, 500, "api_error", "Internal server error")
            return
        if model == "error200":
            h.send_body(200, json.dumps({"error": "the upstream model crashed"}),
                        "application/json")
            return
        if model in ("reasoning", "no-temperature", "overloaded-once", "conflict-once",
                     "retry-ms-once"):
            model = "good"
        text, finish = _answer_text(model, label)
        if text is None:
            protocol.error(h, 404, "not_found_error", f"model '{model}' not found")
            return
        protocol.answer(h, model, text, finish)
    return handler


def _live_refusal(protocol, h, req, model, label):
    """The refusals of today's services: (status, kind, message[, headers]) or None."""
    if model == "reasoning":
        if "max_tokens" in req:
            return (400, "invalid_request_error",
                    "Unsupported parameter: 'max_tokens' is not supported with this model. "
                    "Use 'max_completion_tokens' instead.")
        if "temperature" in req and req["temperature"] != 1:
            return (400, "invalid_request_error",
                    f"Unsupported value: 'temperature' does not support {req['temperature']} "
                    "with this model. Only the default (1) value is supported.")
    if model == "no-temperature" and "temperature" in req:
        return 400, "invalid_request_error", "temperature is deprecated for this model."
    if model == "overloaded-once" and h.state.bump(f"llm-529:{label}") == 1:
        return 529, "overloaded_error", "Overloaded"
    if model == "conflict-once" and h.state.bump(f"llm-409:{label}") == 1:
        return 409, "conflict", "Conflict: try again"
    if model == "quota":
        return (429, "insufficient_quota",
                "You exceeded your current quota, please check your plan and billing details.")
    if model == "wait-an-hour":
        return 429, "rate_limit_error", "Rate limit reached", [("Retry-After", "3600")]
    if model == "retry-ms-once" and h.state.bump(f"llm-ms:{label}") == 1:
        return (429, "rate_limit_error", "Rate limit reached",
                [("retry-after-ms", "200"), ("Retry-After", "3600")])
    if model == "no-retry-503":
        return 503, "api_error", "Service unavailable", [("x-should-retry", "false")]
    if model == "echo-key":
        key = h.headers.get("x-api-key") or (h.headers.get("Authorization") or "")[7:]
        return 401, "authentication_error", f"Incorrect API key provided: {key}."
    return None


def redirect_model(h, url):
    """A model endpoint that moved to another host (127.0.0.2, same port)."""
    rest = url.path[len("/llm/redirect/"):]
    port = h.server.server_address[1]
    h.read_body()
    h.send_body(307, "", "text/plain", [("Location", f"http://127.0.0.2:{port}/llm/{rest}")])


def bodies(h, url):
    st = h.state
    with st.lock:
        body = json.dumps(st.keys.get("llm_bodies", []))
    h.send_body(200, body, "application/json")


ROUTES = [
    ("/llm/openai/", _serve(_Protocol("openai"), "/chat/completions")),
    ("/llm/anthropic/", _serve(_Protocol("anthropic"), "/messages")),
    ("/llm/_bodies", bodies),
    ("/llm/redirect/", redirect_model),
]
