"""Image search engines, replayed: DuckDuckGo, Bing, Google (WAP HTML and the
Custom Search JSON API), Wikimedia Commons, Openverse, Flickr and SearXNG.

Three ways to serve them, chosen by the first path segment, so a test picks
one by the engine's base URL (pix-search --base-url ENGINE=<fixture>/<mode>/<engine>):

    /eng/<engine>/...      pages made from the real captures' structure
                           (tests/data/engines), for any query, with paging,
                           end of results and every failure page. Image and
                           thumbnail URLs point back here (/img/...), so
                           `pix-search | pix-fetch` works offline.
    /raw/<engine>/...      the captures exactly as recorded (minus the
                           `_`-prefixed note keys and provenance comments),
                           whatever the request; their URLs point at the
                           real internet.
    /rewrite/<engine>/...  the same captures with their image and thumbnail
                           URLs rewritten to point here.

In /eng mode the query text steers the server. Words of the form
`scenario:NAME` pick a failure, `total:N` the number of results (default
150 per engine), `pool:NAME` the image pool (default: the rest of the query),
so several queries can share images. Scenarios:

    ddg-403 ddg-418 ddg-429 ddg-202 ddg-novqd ddg-captcha ddg-html
    ddg-malformed ddg-page2-403 ddg-page2-captcha
    bing-shell bing-shell-page2 bing-malformed bing-429
    google-sorry google-sorry-short google-jswall google-consent google-quota
    google-blocked (a page without result links, as Google serves clients it
    blocks by TLS fingerprint)
    wikimedia-maxlag wikimedia-429 wikimedia-fv1
    openverse-429 flickr-fail searxng-403 searxng-429 searxng-upstream
    openverse-token-uses-N (an issued token is refused with 401 from its
    N+1-th search on, as a 12-hour-old one is)
    slow (any engine: the answer comes after 10 s)

The fake services check what the real ones check, as of late 2026:
DuckDuckGo's vqd token and Referer, and on i.js the `ct` country, `a=h_`,
no empty `f`, the `ah` and `l` cookies and a current browser agent (403
otherwise); Wikimedia's User-Agent policy (403 with an HTML page);
Openverse's anonymous page size and page depth, its token endpoint
(/v1/auth_tokens/token/: OAuth2 client credentials, form-encoded POST,
400/401 {"error": ...} for a bad grant or client, as django-oauth-toolkit
answers; the one client is OPENVERSE_CLIENT) and pages of up to 500 with a
token; a token ending in `expired-token` is refused as expired; the Custom Search API's
100-result ceiling and its key; Flickr's key; SearXNG's limiter (429
unless Accept has text/html, Accept-Encoding gzip or deflate and
Accept-Language is set, and for bot agents; JSON answers gzip-compressed
when asked). Engine `E` lists image ids offset(E) .. offset(E)+total-1 of
the pool, so engines overlap in part, as real ones do.

    /img/<pool>/<id>.png         a PNG of the size the results reported, or,
                                 when the server's --root has a directory
                                 pools/<P> with P a prefix of the pool name
                                 (the longest wins), file (id + hash(pool)) %
                                 count of that directory in name order: the demo puts
                                 photo-like images, copies and broken files
                                 there, so several URLs serve the same picture
    /img/raw/<token>.png?w=&h=   a PNG for a rewritten capture URL
    /page/<anything>             a small HTML "source page"
"""
import gzip
import hashlib
import html
import json
import math
import os
import re
import time
import urllib.parse

from fixture_routes.hostile import png_from_rows

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "engines")
OFFSETS = {"duckduckgo": 0, "bing": 100, "google": 200, "wikimedia": 50, "openverse": 150,
           "flickr": 250, "searxng": 25}
DEFAULT_TOTAL = 150


# ---------------------------------------------------------------- helpers

def capture(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        return f.read()


def strip_notes(value):
    """Drops the `_`-prefixed note keys the captures carry, at any depth."""
    if isinstance(value, dict):
        return {k: strip_notes(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [strip_notes(v) for v in value]
    return value


def capture_json(name):
    return strip_notes(json.loads(capture(name)))


def capture_html(name):
    """A captured page without the provenance comment we put at its top."""
    return re.sub(r"\A<!--.*?-->\s*", "", capture(name), flags=re.S)


def params(url):
    return {k: v[-1] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}


def base(h):
    return "http://" + (h.headers.get("Host") or "127.0.0.1")


def send_json(h, value, status=200, headers=()):
    h.send_body(status, json.dumps(value, ensure_ascii=False), "application/json; charset=utf-8",
                headers)


def send_html(h, text, status=200, headers=()):
    h.send_body(status, text, "text/html; charset=utf-8", headers)


def redirect(h, location):
    h.send_body(302, "", "text/html", [("Location", location)])


class Query:
    """The q text of a request with its steering words taken out."""

    def __init__(self, text):
        words = (text or "").split()
        self.scenarios = {w[9:] for w in words if w.startswith("scenario:")}
        self.total = DEFAULT_TOTAL
        pool = None
        rest = []
        for w in words:
            if w.startswith("total:"):
                self.total = int(w[6:])
            elif w.startswith("pool:"):
                pool = w[5:]
            elif not w.startswith("scenario:"):
                rest.append(w)
        self.text = " ".join(rest)
        self.pool = re.sub(r"[^a-z0-9]+", "-", (pool or self.text).lower()).strip("-") or "x"

    def ids(self, engine, start, count):
        """Image ids of result positions start .. start+count-1 (within total)."""
        end = min(start + count, self.total)
        return [OFFSETS[engine] + i for i in range(max(start, 0), max(end, 0))]


def size_of(image_id):
    return 320 + (image_id * 37) % 480, 240 + (image_id * 53) % 360


def image_url(h, q, image_id, suffix=""):
    return f"{base(h)}/img/{q.pool}/{image_id}.png{suffix}"


def thumb_url(h, q, image_id):
    return f"{base(h)}/img/{q.pool}/{image_id}.png?thumb=1"


def page_url(h, q, image_id):
    return f"{base(h)}/page/{q.pool}/{image_id}"


def title_of(q, image_id):
    return f"{q.text.title()} photo {image_id}"


# ---------------------------------------------------------------- images

def make_png(width, height, seed):
    """A valid RGB PNG: a gradient coloured by `seed`, so every image differs."""
    r0, g0, b0 = (seed * 97) % 256, (seed * 57) % 256, (seed * 31) % 256
    rows = []
    for y in range(height):
        row = bytearray([0])
        gy = (y * 255) // max(1, height - 1)
        for x in range(width):
            gx = (x * 255) // max(1, width - 1)
            row += bytes(((r0 + gx) & 255, (g0 + gy) & 255, (b0 + gx // 2 + gy // 2) & 255))
        rows.append(bytes(row))
    return png_from_rows(width, height, rows, 1)


def pool_files(root, pool):
    """Files of the longest pools/<P> directory under root with pool.startswith(P)."""
    pools = os.path.join(root, "pools") if root else ""
    if not pools or not os.path.isdir(pools):
        return []
    names = [d for d in os.listdir(pools) if pool.startswith(d) and
             os.path.isdir(os.path.join(pools, d))]
    if not names:
        return []
    d = os.path.join(pools, max(names, key=len))
    return [os.path.join(d, f) for f in sorted(os.listdir(d))]


POOL_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


def serve_image(h, url):
    parts = url.path.split("/")  # ['', 'img', pool, '<id>.png']
    p = params(url)
    if len(parts) != 4 or not parts[3].endswith(".png"):
        h.send_body(404, "no such image\n", "text/plain")
        return
    name = parts[3][:-4]
    files = pool_files(h.state.root, parts[2]) if name.isdigit() and not p.get("thumb") else []
    if files:
        shift = int(hashlib.sha1(parts[2].encode()).hexdigest()[:6], 16)  # queries differ
        path = files[(int(name) + shift) % len(files)]
        with open(path, "rb") as f:
            ctype = POOL_TYPES.get(os.path.splitext(path)[1].lower(), "image/jpeg")
            h.send_body(200, f.read(), ctype)
        return
    if parts[2] == "raw":
        w, h_ = int(p.get("w") or 0) or 640, int(p.get("h") or 0) or 480
        seed = int(hashlib.sha1(name.encode()).hexdigest()[:6], 16)
        scale = max(w, h_) / 1024
        if scale > 1:  # reported sizes of real photos can be huge; keep the PNG small
            w, h_ = max(1, int(w / scale)), max(1, int(h_ / scale))
    else:
        image_id = int(name) if name.isdigit() else 0
        w, h_ = size_of(image_id)
        seed = image_id + int(hashlib.sha1(parts[2].encode()).hexdigest()[:4], 16)
    if p.get("thumb"):
        w, h_ = max(1, w // 4), max(1, h_ // 4)
    h.send_body(200, make_png(w, h_, seed), "image/png")


def serve_page(h, url):
    send_html(h, f"<!DOCTYPE html><html><head><title>{html.escape(url.path)}</title></head>"
                 f"<body><p>A page with an image.</p></body></html>")


# ---------------------------------------------------------------- DuckDuckGo

def vqd_for(text):
    digits = str(int(hashlib.sha1(text.encode()).hexdigest(), 16))
    return "4-" + digits[:38]


def ddg_landing(h, q, raw_q):
    if "ddg-202" in q.scenarios:
        h.send_body(202, b"", "text/html")
        return
    if "ddg-captcha" in q.scenarios:
        send_html(h, '<html><body><form id="challenge-form" action="/anomaly.js?sv=html">'
                     '<div class="anomaly-modal__title">Unfortunately, bots use DuckDuckGo too.'
                     '</div></form></body></html>')
        return
    page = capture_html("duckduckgo_landing_vqd_RECONSTRUCTED.html")
    token = "" if "ddg-novqd" in q.scenarios else vqd_for(raw_q)
    page = page.replace("4-312345678901234567890123456789012345678", token)
    page = page.replace("red fox", html.escape(raw_q)).replace("red%20fox", urllib.parse.quote(raw_q))
    send_html(h, page)


def ddg_results(h, q, raw_q, p):
    s = int(p.get("s") or 0)
    if p.get("vqd") != vqd_for(raw_q):
        h.send_body(403, b"", "text/html")  # a wrong or missing token
        return
    # The February 2026 bot protection: country, a=h_, no empty filter list,
    # the region cookies and a browser that is not years old.
    cookies = h.headers.get("Cookie") or ""
    firefox = re.search(r"Firefox/(\d+)", h.headers.get("User-Agent") or "")
    if (not p.get("ct") or p.get("a") != "h_" or p.get("f", "x").strip(",") == "" or
            "ah=" not in cookies or "l=" not in cookies or (firefox and int(firefox.group(1)) < 140)):
        h.send_body(403, b"", "text/html")
        return
    if s > 0 and "ddg-page2-captcha" in q.scenarios:
        send_html(h, '<html><body><form id="challenge-form" action="/anomaly.js?sv=html&amp;cc=sre">'
                     '<div class="anomaly-modal__title">Unfortunately, bots use DuckDuckGo too.'
                     '</div></form></body></html>')
        return
    if s > 0 and not h.headers.get("Referer"):
        h.send_body(403, b"", "text/html")
        return
    for code in (403, 418, 429):
        if f"ddg-{code}" in q.scenarios or (s > 0 and code == 403 and "ddg-page2-403" in q.scenarios):
            h.send_body(code, b"", "text/html")
            return
    if "ddg-html" in q.scenarios:
        send_html(h, "<!DOCTYPE html><html><body>If this error persists, please let us know: "
                     "error-lite@duckduckgo.com</body></html>")
        return
    if "ddg-malformed" in q.scenarios:
        h.send_body(200, '{"ads": null, "results": [{"height": 10, "image": "ht', "application/json")
        return
    doc = capture_json("duckduckgo_i_js_RECONSTRUCTED.json")
    template = doc["results"][0]
    results = []
    for image_id in q.ids("duckduckgo", s, 100):
        w, hh = size_of(image_id)
        item = dict(template)
        item.update(height=hh, width=w, image=image_url(h, q, image_id), title=title_of(q, image_id),
                    thumbnail=thumb_url(h, q, image_id), url=page_url(h, q, image_id),
                    image_token=hashlib.sha1(f"i{image_id}".encode()).hexdigest(),
                    thumbnail_token=hashlib.sha1(f"t{image_id}".encode()).hexdigest())
        results.append(item)
    doc.update(query=raw_q, queryEncoded=urllib.parse.quote(raw_q), results=results,
               vqd={raw_q: vqd_for(raw_q)})
    if s + 100 < q.total:
        doc["next"] = (f"i.js?q={urllib.parse.quote(raw_q)}&o=json&p=1&s={s + 100}"
                       f"&u=bing&f=,,,,,&l=us-en")
    else:
        doc.pop("next", None)
    send_json(h, doc)


def eng_duckduckgo(h, url, rest):
    p = params(url)
    raw_q = p.get("q", "")
    q = Query(raw_q)
    if rest == "i.js":
        ddg_results(h, q, raw_q, p)
    else:
        ddg_landing(h, q, raw_q)


# ---------------------------------------------------------------- Bing

def bing_item(h, q, image_id, template_li):
    w, hh = size_of(image_id)
    m = {"sid": "", "cturl": "", "cid": f"c{image_id:07d}", "purl": page_url(h, q, image_id),
         "murl": image_url(h, q, image_id), "turl": thumb_url(h, q, image_id),
         "md5": hashlib.md5(str(image_id).encode()).hexdigest(), "shkey": "", "t": title_of(q, image_id),
         "mid": hashlib.sha1(str(image_id).encode()).hexdigest().upper(), "desc": title_of(q, image_id)}
    li = template_li
    li = re.sub(r' m="[^"]*"', lambda _: ' m="' + html.escape(json.dumps(m, ensure_ascii=False)) + '"', li)
    href = ("/images/search?view=detailV2&amp;ccid=x&amp;mediaurl=" +
            urllib.parse.quote(m["murl"], safe="") + f"&amp;exph={hh}&amp;expw={w}&amp;q=" +
            urllib.parse.quote(q.text) + "&amp;FORM=IRPRST")
    li = re.sub(r' href="/images/search[^"]*"', lambda _: f' href="{href}"', li)
    li = re.sub(r'src="https://tse3[^"]*"', lambda _: f'src="{html.escape(m["turl"])}"', li)
    li = re.sub(r"<span class=\"nowrap\">[^<]*</span>",
                lambda _: f'<span class="nowrap">{w} x {hh} &#183; png</span>', li)
    li = li.replace("https://wenwen.sogou.com/z/q825286701.htm", m["purl"])
    li = li.replace("wenwen.sogou.com", h.headers.get("Host") or "127.0.0.1")
    return li


def eng_bing(h, url, rest):
    p = params(url)
    raw_q = p.get("q", "")
    q = Query(raw_q)
    first = max(1, int(p.get("first") or 1))
    count = min(max(1, int(p.get("count") or 35)), 150)
    if "bing-429" in q.scenarios:
        send_html(h, "<html><body>Too many requests</body></html>", 429)
        return
    page = capture_html("bing_images_async_2020_real.html")
    if "bing-shell" in q.scenarios or ("bing-shell-page2" in q.scenarios and first > 1):
        send_html(h, '<div class="dg_b" role="main" data-pagewidth="0" data-clientwidth="0"></div>')
        return
    # Past the end Bing repeats its last page.
    last_first = ((max(q.total, 1) - 1) // count) * count + 1
    start = min(first, last_first) - 1
    li_template = re.search(r"<li .*?</li>", page, flags=re.S).group(0)
    items = "".join(bing_item(h, q, i, li_template) for i in q.ids("bing", start, count))
    if "bing-malformed" in q.scenarios:
        items = re.sub(r' m="[^"]*"', ' m="{&quot;murl&quot;:&quot;http://broken"', items)
    next_first = start + count + 1
    page = re.sub(r"<ul .*?</ul>", lambda _: '<ul data-row=0 class="dgControl_list " data-infullrow=1>' +
                  items + "</ul>", page, flags=re.S)
    page = re.sub(r'data-nextUrl="[^"]*"', lambda _: 'data-nextUrl="/images/async?q=' +
                  urllib.parse.quote(raw_q) + f'&amp;first={next_first}&amp;count={count}'
                  '&amp;relp=1&amp;mmasync=1"', page)
    send_html(h, page)


# ---------------------------------------------------------------- Google

GOOGLE_CONSENT = ('<!DOCTYPE html><html lang="en"><head><title>Before you continue to Google</title>'
                  '</head><body><form action="https://consent.google.com/save" method="POST">'
                  '<input type="hidden" name="set_eom" value="true"><button>Accept all</button>'
                  '</form>' + "<!-- padding -->" * 200 + "</body></html>")
GOOGLE_JSWALL = ('<!DOCTYPE html><html><head><noscript><meta content="0;url=/httpservice/retry/enablejs'
                 '?sei=AbCdEfGh" http-equiv="refresh"></noscript></head><body><script>'
                 + "var a=1;" * 400 + "</script></body></html>")
GOOGLE_SORRY = ('<html><head><title>https://www.google.com/search?q=x</title></head><body>'
                '<div>Our systems have detected unusual traffic from your computer network.</div>'
                '<form action="index" method="post"><div class="g-recaptcha"></div></form>'
                '</body></html>')


def google_html(h, url, q, p):
    if "google-sorry" in q.scenarios:
        redirect(h, f"{base(h)}/eng/google/sorry/index?continue={urllib.parse.quote(url.path)}&q=EgQ")
        return
    if "google-sorry-short" in q.scenarios:
        send_html(h, '<html><body><a href="https://www.google.com/sorry/index?continue=x">here</a>'
                     '</body></html>')
        return
    if "google-jswall" in q.scenarios:
        send_html(h, GOOGLE_JSWALL)
        return
    if "google-consent" in q.scenarios:
        redirect(h, f"{base(h)}/eng/google/consent/ml?continue={urllib.parse.quote(url.path)}")
        return
    if "google-blocked" in q.scenarios:
        # What a client with a non-browser TLS fingerprint gets: a page,
        # HTTP 200, and not one result link.
        send_html(h, '<?xml version="1.0" encoding="UTF-8"?>\n<html><head><title>Google Search'
                     '</title></head><body><div><a href="/">Google</a></div><div>'
                     '<a href="/wml/search?q=x&amp;tbm=isch">Images</a></div>'
                     '<form action="/wml/search"><input name="q"/></form></body></html>')
        return
    start = int(p.get("start") or 0)
    anchors = []
    for image_id in q.ids("google", start, 20):
        w, hh = size_of(image_id)
        href = ("/imgres?imgurl=" + urllib.parse.quote(image_url(h, q, image_id), safe="") +
                "&amp;imgrefurl=" + urllib.parse.quote(page_url(h, q, image_id), safe="") +
                f"&amp;h={hh}&amp;w={w}&amp;tbnid=Tbn{image_id:08d}&amp;docid=Doc{image_id}")
        anchors.append(f'<div><a href="{href}"><img src="{html.escape(thumb_url(h, q, image_id))}" '
                       f'alt=""/></a></div>')
    if not anchors:
        anchors.append("<div>Your search did not match any image results.</div>")
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<html><body>' + "\n".join(anchors) +
            "</body></html>")
    send_html(h, body)


def google_api(h, q, p):
    key, cx = p.get("key", ""), p.get("cx", "")
    errors = capture_json("google_cse_json_api_errors.json")
    if key in ("", "bad-key"):
        send_json(h, {"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.",
                                "errors": [{"message": "API key not valid. Please pass a valid API key.",
                                            "domain": "global", "reason": "badRequest"}],
                                "status": "INVALID_ARGUMENT"}}, 400)
        return
    if "google-quota" in q.scenarios:
        send_json(h, errors["quota_429_approx"], 429)
        return
    num, start = int(p.get("num") or 10), int(p.get("start") or 1)
    if not cx or num < 1 or num > 10 or start < 1 or start + num - 1 > 100:
        send_json(h, errors["start_too_deep_400"], 400)
        return
    doc = capture_json("google_cse_json_api_image.json")
    template = doc["items"][0]
    total = min(q.total, 100)
    items = []
    for image_id in q.ids("google", start - 1, num):
        w, hh = size_of(image_id)
        item = json.loads(json.dumps(template))
        item.update(title=title_of(q, image_id), htmlTitle=title_of(q, image_id),
                    link=image_url(h, q, image_id), displayLink="127.0.0.1",
                    snippet=title_of(q, image_id), mime="image/png", fileFormat="image/png")
        item["image"].update(contextLink=page_url(h, q, image_id), width=w, height=hh,
                             thumbnailLink=thumb_url(h, q, image_id))
        items.append(item)
    request = dict(doc["queries"]["request"][0], searchTerms=q.text, count=num, startIndex=start,
                   cx=cx, totalResults=str(q.total))
    doc["queries"] = {"request": [request]}
    if start + num <= total:
        doc["queries"]["nextPage"] = [dict(request, startIndex=start + num)]
    doc["searchInformation"]["totalResults"] = str(q.total)
    if items:
        doc["items"] = items
    else:
        doc.pop("items")
    send_json(h, doc)


def eng_google(h, url, rest):
    p = params(url)
    if rest.startswith("sorry/"):
        send_html(h, GOOGLE_SORRY, 429)
        return
    if rest.startswith("consent/"):
        send_html(h, GOOGLE_CONSENT)
        return
    q = Query(p.get("q", ""))
    if rest == "customsearch/v1":
        google_api(h, q, p)
    elif rest == "wml/search":
        google_html(h, url, q, p)
    else:
        h.send_body(404, "not found\n", "text/plain")


# ---------------------------------------------------------------- Wikimedia Commons

COMMONS_LICENSES = [("cc-by-sa-4.0", "CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0"),
                    ("cc-by-2.0", "CC BY 2.0", "https://creativecommons.org/licenses/by/2.0"),
                    ("pd", "Public domain", ""),
                    ("cc0", "CC0", "http://creativecommons.org/publicdomain/zero/1.0/deed.en")]


def wikimedia_error(status, reason, text):
    """The HTML page Wikimedia's edge answers policy violations with."""
    return ('<!DOCTYPE html>\n<html lang="en">\n<meta charset="utf-8">\n<title>Wikimedia Error</title>\n'
            '<style>* { margin: 0; padding: 0; } body { background: #fff; font: 15px/1.6 sans-serif; '
            'color: #333; }</style>\n<div class="content" role="main">\n'
            '<a href="https://www.wikimedia.org"><img src="https://www.wikimedia.org/static/images/'
            'wmf-logo.png" alt="Wikimedia" width="135" height="101"></a>\n<h1>Error</h1>\n'
            f'<p>{html.escape(text)}</p>\n</div>\n<div class="footer"><p>If you report this error '
            'to the Wikimedia System Administrators, please include the details below.</p>'
            f'<p class="text-muted"><code>Request served via cp3066 cp3066, Varnish XID 1234<br>'
            f'Error: {status}, {reason} at Tue, 01 Dec 2026 10:00:00 GMT</code></p></div>\n</html>\n')


def eng_wikimedia(h, url, rest):
    agent = h.headers.get("User-Agent") or ""
    if not re.match(r"^[^\s/]+/\S+ \(.+\)", agent) or agent.startswith("Mozilla"):
        send_html(h, wikimedia_error(403, "Forbidden", "Please set a user-agent and respect our "
                                     "robot policy https://w.wiki/4wJS. See also "
                                     "https://phabricator.wikimedia.org/T400119."), 403)
        return
    p = params(url)
    search = p.get("gsrsearch", "")
    q = Query(re.sub(r"^filetype:\S+\s*", "", search))
    if "wikimedia-429" in q.scenarios:
        send_html(h, wikimedia_error(429, "Too many requests", "You are making too many requests. "
                                     "Please respect our robot policy https://w.wiki/4wJS."),
                  429, [("Retry-After", "1")])
        return
    if "wikimedia-maxlag" in q.scenarios:
        send_json(h, {"error": {"code": "maxlag", "info": "Waiting for 10.64.48.35: 6.3 seconds lagged.",
                                "host": "10.64.48.35", "lag": 6.3, "type": "db",
                                "*": "See https://commons.wikimedia.org/w/api.php for API usage."},
                      "servedby": "mw1234"}, 200, [("MediaWiki-API-Error", "maxlag"), ("Retry-After", "5")])
        return
    offset, limit = int(p.get("gsroffset") or 0), min(int(p.get("gsrlimit") or 10), 50)
    doc = capture_json("wikimedia_commons_generator_search_fv2_2026.json")
    template = doc["query"]["pages"][0]
    pages = []
    for n, image_id in enumerate(q.ids("wikimedia", offset, limit)):
        w, hh = size_of(image_id)
        code, short, lic_url = COMMONS_LICENSES[image_id % len(COMMONS_LICENSES)]
        page = json.loads(json.dumps(template))
        name = f"{q.text.title()} {image_id}.png"
        page.update(pageid=1000000 + image_id, title="File:" + name, index=offset + n + 1)
        info = page["imageinfo"][0]
        info.update(size=w * hh, width=w, height=hh, mime="image/png",
                    url=image_url(h, q, image_id,
                                  "?utm_source=commons.wikimedia.org&utm_campaign=imageinfo&utm_content=original"),
                    thumburl=thumb_url(h, q, image_id) + "&utm_source=commons.wikimedia.org",
                    descriptionurl=f"{base(h)}/page/commons/File:{urllib.parse.quote(name)}")
        ext = info["extmetadata"]
        ext["ObjectName"]["value"] = name[:-4]
        ext["ImageDescription"]["value"] = name[:-4]
        ext["Artist"]["value"] = (f'<a href="//commons.wikimedia.org/wiki/User:Photographer{image_id}" '
                                  f'title="User:Photographer{image_id}">Photographer {image_id}</a>')
        ext["LicenseShortName"]["value"] = short
        ext["UsageTerms"]["value"] = short
        ext["License"]["value"] = code
        if lic_url:
            ext["LicenseUrl"] = {"value": lic_url, "source": "commons-desc-page", "hidden": ""}
        pages.append(page)
    pages.reverse()  # the API does not send pages in search order; `index` is the rank
    result = {"batchcomplete": True}
    if offset + limit < q.total:
        result["continue"] = {"gsroffset": offset + limit, "continue": "gsroffset||"}
    if pages:
        if "wikimedia-fv1" in q.scenarios:
            result["query"] = {"pages": {str(pg["pageid"]): pg for pg in pages}}
        else:
            result["query"] = {"pages": pages}
    send_json(h, result)


# ---------------------------------------------------------------- Openverse

OPENVERSE_LICENSES = [("by-sa", "2.0"), ("by", "4.0"), ("cc0", "1.0"), ("pdm", "1.0"), ("by-nc", "3.0")]


def openverse_license(image_id):
    return OPENVERSE_LICENSES[image_id % len(OPENVERSE_LICENSES)]


# The one registered application of the fake: client_id -> client_secret.
OPENVERSE_CLIENT = ("pix-test-client", "pix-test-secret-7Qw2")


def openverse_token(h, url):
    """POST /v1/auth_tokens/token/: the client-credentials grant."""
    if h.command != "POST":
        send_json(h, {"detail": f'Method "{h.command}" not allowed.'}, 405)
        return
    if not (h.headers.get("Content-Type") or "").startswith("application/x-www-form-urlencoded"):
        send_json(h, {"error": "invalid_request"}, 400)
        return
    form = {k: v[-1] for k, v in
            urllib.parse.parse_qs(h.read_body().decode("utf-8", "replace")).items()}
    if form.get("grant_type") != "client_credentials":
        send_json(h, {"error": "unsupported_grant_type"}, 400)
        return
    if (form.get("client_id"), form.get("client_secret")) != OPENVERSE_CLIENT:
        send_json(h, {"error": "invalid_client"}, 401)
        return
    st = h.state
    with st.lock:
        n = st.keys["openverse_tokens_issued"] = st.keys.get("openverse_tokens_issued", 0) + 1
        token = f"ovtok{n}-{hashlib.md5(str(time.time()).encode()).hexdigest()[:16]}"
        st.keys.setdefault("openverse_tokens", {})[token] = 0
    send_json(h, {"access_token": token, "scope": "read", "expires_in": 43200,
                  "token_type": "Bearer"})


def openverse_token_refused(h, q):
    """Counts a use of an issued token; True (and the 401 sent) when it is expired."""
    auth = h.headers.get("Authorization") or ""
    if auth.endswith("expired-token"):  # a token older than 12 hours
        send_json(h, {"detail": "Authentication credentials were not provided."}, 401)
        return True
    token = auth[7:] if auth.startswith("Bearer ") else ""
    limit = next((int(s[len("openverse-token-uses-"):]) for s in q.scenarios
                  if s.startswith("openverse-token-uses-")), None)
    st = h.state
    with st.lock:
        tokens = st.keys.get("openverse_tokens", {})
        if token not in tokens:
            return False  # a token given by hand (api_key): accepted
        if tokens[token] is None or (limit is not None and tokens[token] >= limit):
            tokens[token] = None  # expired for good
            expired = True
        else:
            tokens[token] += 1
            expired = False
    if expired:
        send_json(h, {"detail": "Authentication credentials were not provided."}, 401)
    return expired


def eng_openverse(h, url, rest):
    if rest == "v1/auth_tokens/token/":
        openverse_token(h, url)
        return
    p = params(url)
    q = Query(p.get("q", ""))
    page, size = int(p.get("page") or 1), int(p.get("page_size") or 20)
    if "openverse-429" in q.scenarios:
        send_json(h, {"detail": "Request was throttled. Expected available in 3512 seconds."}, 429)
        return
    if openverse_token_refused(h, q):
        return
    if size > 20 and not h.headers.get("Authorization"):
        send_json(h, {"detail": "Authentication credentials were not provided."}, 401)
        return
    if size > 500:
        send_json(h, {"page_size": ["Ensure this value is less than or equal to 500."]}, 400)
        return
    if page > 20 or page < 1:
        send_json(h, {"page": ["Ensure this value is less than or equal to 20."]}, 400)
        return
    wanted = set(filter(None, p.get("license", "").split(",")))
    ids = [i for i in q.ids("openverse", 0, q.total) if not wanted or openverse_license(i)[0] in wanted]
    doc = capture_json("openverse_images_2026.json")
    template = doc["results"][0]
    results = []
    for image_id in ids[(page - 1) * size: page * size]:
        w, hh = size_of(image_id)
        code, version = openverse_license(image_id)
        uid = hashlib.md5(f"ov{image_id}".encode()).hexdigest()
        uid = f"{uid[:8]}-{uid[8:12]}-{uid[12:16]}-{uid[16:20]}-{uid[20:32]}"
        item = dict(template)
        deed = ("publicdomain/zero" if code == "cc0" else "publicdomain/mark" if code == "pdm"
                else "licenses/" + code)
        item.update(id=uid, title=title_of(q, image_id), foreign_landing_url=page_url(h, q, image_id),
                    url=image_url(h, q, image_id), creator=f"photographer{image_id}",
                    creator_url=f"{base(h)}/page/people/{image_id}", license=code,
                    license_version=version,
                    license_url=f"https://creativecommons.org/{deed}/{version}/",
                    filetype="png", filesize=w * hh, width=w, height=hh, category="photograph",
                    indexed_on="2026-01-01T00:00:00Z", tags=[{"name": q.text, "accuracy": None}],
                    attribution=f'"{title_of(q, image_id)}" by photographer{image_id} is licensed under '
                                f"CC {code.upper()} {version}.",
                    fields_matched=["title"], thumbnail=thumb_url(h, q, image_id),
                    detail_url=f"{base(h)}/eng/openverse/v1/images/{uid}/",
                    related_url=f"{base(h)}/eng/openverse/v1/images/{uid}/related/")
        results.append(item)
    doc.update(result_count=len(ids), page_size=size, page=page,
               page_count=min(20, math.ceil(len(ids) / size)) if ids else 0, results=results)
    send_json(h, doc)


# ---------------------------------------------------------------- Flickr

FLICKR_LICENSES = ["4", "5", "9", "0", "10", "2"]


def eng_flickr(h, url, rest):
    p = params(url)
    if p.get("api_key") in (None, "", "bad-key"):
        send_json(h, capture_json("flickr_error.json"))
        return
    if p.get("method") != "flickr.photos.search":
        send_json(h, {"stat": "fail", "code": 112, "message": f"Method \"{p.get('method')}\" not found"})
        return
    q = Query(p.get("text", ""))
    if "flickr-fail" in q.scenarios:
        send_json(h, {"stat": "fail", "code": 105, "message": "Service currently unavailable"})
        return
    page, per_page = int(p.get("page") or 1), min(int(p.get("per_page") or 100), 500)
    wanted = set(filter(None, p.get("license", "").split(",")))
    ids = [i for i in q.ids("flickr", 0, min(q.total, 4000))
           if not wanted or FLICKR_LICENSES[i % len(FLICKR_LICENSES)] in wanted]
    doc = capture_json("flickr_photos_search.json")
    template = doc["photos"]["photo"][0]
    photos = []
    for image_id in ids[(page - 1) * per_page: page * per_page]:
        w, hh = size_of(image_id)
        photo = {k: v for k, v in template.items() if not k.endswith("_o")}
        photo.update(id=str(3000000000 + image_id), owner=f"{image_id}@N05", title=title_of(q, image_id),
                     ownername=f"photographer{image_id}",
                     license=FLICKR_LICENSES[image_id % len(FLICKR_LICENSES)],
                     url_n=thumb_url(h, q, image_id))
        # Sizes drift between strings and numbers; some owners allow no original.
        size_w, size_h = (str(w), str(hh)) if image_id % 2 else (w, hh)
        key = "l" if image_id % 5 == 0 else "o"
        photo.update({f"url_{key}": image_url(h, q, image_id), f"width_{key}": size_w,
                      f"height_{key}": size_h})
        photos.append(photo)
    pages = math.ceil(len(ids) / per_page) if ids else 0
    doc["photos"] = {"page": page, "pages": pages, "perpage": per_page,
                     "total": str(len(ids)) if page % 2 else len(ids), "photo": photos}
    send_json(h, doc)


# ---------------------------------------------------------------- SearXNG

SEARXNG_BOT_AGENTS = re.compile(
    r"(unknown|[Cc][Uu][Rr][Ll]|[wW]get|Scrapy|splash|JavaFX|FeedFetcher|python-requests|"
    r"Go-http-client|Java|Jakarta|okhttp|HttpClient|Jersey|Python|libwww-perl|Ruby|"
    r"SynHttpClient|UniversalFeedParser|Googlebot|GoogleImageProxy|bingbot|Baiduspider|"
    r"HeadlessChrome|.*PetalBot.*)")


def searxng_limiter(h, q):
    """The reason SearXNG's limiter (botdetection) refuses this request, or None."""
    accept = h.headers.get("Accept") or ""
    encodings = [e.strip().split(";")[0] for e in (h.headers.get("Accept-Encoding") or "").split(",")]
    if SEARXNG_BOT_AGENTS.match(h.headers.get("User-Agent") or "unknown"):
        return "bot detected, HTTP header User-Agent"
    if "text/html" not in accept and "*/*" not in accept:
        return "suspicious, HTTP header Accept"
    if "gzip" not in encodings and "deflate" not in encodings:
        return "suspicious, HTTP header Accept-Encoding"
    if not (h.headers.get("Accept-Language") or "").strip():
        return "missing HTTP header Accept-Language"
    if "searxng-429" in q.scenarios:
        return "too many API requests from this address"
    return None


def eng_searxng(h, url, rest):
    p = params(url)
    q = Query(p.get("q", ""))
    refused = searxng_limiter(h, q)
    if refused:
        h.send_body(429, "Too Many Requests", "text/plain")  # the limiter says no more
        return
    if "searxng-403" in q.scenarios or p.get("format") != "json":
        send_html(h, "<html><body><h1>403 Forbidden</h1></body></html>", 403)
        return
    page = int(p.get("pageno") or 1)
    results, unresponsive = [], []
    if "searxng-upstream" in q.scenarios:
        unresponsive = [["bing images", "timeout"], ["google images", "CAPTCHA"]]
    else:
        for image_id in q.ids("searxng", (page - 1) * 20, 20):
            w, hh = size_of(image_id)
            results.append({"url": page_url(h, q, image_id), "title": title_of(q, image_id),
                            "content": "", "img_src": image_url(h, q, image_id),
                            "thumbnail_src": thumb_url(h, q, image_id), "resolution": f"{w} x {hh}",
                            "img_format": "PNG", "engine": "bing images",
                            "engines": ["bing images"], "template": "images.html",
                            "category": "images", "positions": [len(results) + 1], "score": 1.0})
        if results:
            results.insert(3, {"url": f"{base(h)}/page/text", "title": "A text result",
                               "content": "not an image", "engine": "wikipedia",
                               "template": "default.html", "category": "general"})
    doc = json.dumps({"query": q.text, "number_of_results": 0, "results": results, "answers": [],
                      "corrections": [], "infoboxes": [], "suggestions": [],
                      "unresponsive_engines": unresponsive}, ensure_ascii=False).encode()
    h.send_body(200, gzip.compress(doc), "application/json; charset=utf-8",
                [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")])


ENGINE_HANDLERS = {"duckduckgo": eng_duckduckgo, "bing": eng_bing, "google": eng_google,
                   "wikimedia": eng_wikimedia, "openverse": eng_openverse, "flickr": eng_flickr,
                   "searxng": eng_searxng}


def serve_eng(h, url):
    parts = url.path.split("/", 3)  # ['', 'eng', engine, rest]
    handler = ENGINE_HANDLERS.get(parts[2] if len(parts) > 2 else "")
    if not handler:
        h.send_body(404, "no such engine\n", "text/plain")
        return
    if "scenario:slow" in urllib.parse.unquote_plus(url.query):
        time.sleep(10)  # a request still in flight when a test interrupts the client
    handler(h, url, parts[3] if len(parts) > 3 else "")


# ---------------------------------------------------------------- captures, raw or rewritten

# Which capture answers which request: (engine, path under the engine) -> file.
RAW = {
    ("duckduckgo", ""): "duckduckgo_landing_vqd_RECONSTRUCTED.html",
    ("duckduckgo", "i.js"): "duckduckgo_i_js_RECONSTRUCTED.json",
    ("bing", "images/async"): "bing_images_async_2020_real.html",
    ("google", "customsearch/v1"): "google_cse_json_api_image.json",
    ("google", "wml/search"): "google_html_imgres_NOTES.txt",
    ("wikimedia", "w/api.php"): "wikimedia_commons_generator_search_fv2_2026.json",
    ("wikimedia-fv2", "w/api.php"): "wikimedia_commons_fv2_2026.json",
    ("wikimedia-fv1", "w/api.php"): "wikimedia_commons_fv1_full_extmetadata_OLD.json",
    ("openverse", "v1/images/"): "openverse_images_2026.json",
    ("flickr", "services/rest/"): "flickr_photos_search.json",
    ("flickr-error", "services/rest/"): "flickr_error.json",
}

# Keys whose values are image or thumbnail URLs, per capture format.
IMAGE_KEYS = {"image", "thumbnail", "link", "thumbnailLink", "thumburl", "url_o", "url_l", "url_n",
              "url_z", "img_src", "thumbnail_src"}
IMAGE_URL_KEY_PARENTS = ("imageinfo", "results")  # where "url" is the image (Commons, Openverse)


def rewrite_url(h, value, width=0, height=0):
    token = hashlib.sha1(value.encode()).hexdigest()[:16]
    suffix = f"?w={width}&h={height}" if width and height else ""
    return f"{base(h)}/img/raw/{token}.png{suffix}"


def rewrite_json(h, value, parent="", fmt=""):
    if isinstance(value, dict):
        w = value.get("width") or value.get("width_o") or 0
        hh = value.get("height") or value.get("height_o") or 0
        out = {}
        for k, v in value.items():
            is_image = k in IMAGE_KEYS or (k == "url" and parent in IMAGE_URL_KEY_PARENTS and fmt != "ddg")
            if is_image and isinstance(v, str) and v.startswith("http"):
                out[k] = rewrite_url(h, v, int(w or 0), int(hh or 0))
            else:
                out[k] = rewrite_json(h, v, k, fmt)
        return out
    if isinstance(value, list):
        return [rewrite_json(h, v, parent, fmt) for v in value]
    return value


def rewrite_bing(h, page):
    def m_attr(match):
        m = json.loads(html.unescape(match.group(1)))
        for key in ("murl", "turl"):
            if m.get(key):
                m[key] = rewrite_url(h, m[key])
        return ' m="' + html.escape(json.dumps(m, ensure_ascii=False)) + '"'
    page = re.sub(r' m="([^"]*)"', m_attr, page)
    return re.sub(r'(<img class="mimg"[^>]*src=")[^"]*"', lambda mt: mt.group(1) + rewrite_url(h, "t") + '"', page)


def rewrite_google_html(h, page):
    def href(match):
        pairs = urllib.parse.parse_qsl(html.unescape(match.group(1)))
        pairs = [(k, rewrite_url(h, v) if k == "imgurl" else v) for k, v in pairs]
        return 'href="/imgres?' + html.escape(urllib.parse.urlencode(pairs)) + '"'
    page = re.sub(r'href="/imgres\?([^"]*)"', href, page)
    return re.sub(r'<img src="[^"]*"', lambda _: f'<img src="{rewrite_url(h, "thumb")}"', page)


def serve_capture(h, url, rewrite):
    parts = url.path.split("/", 3)
    engine, rest = (parts[2] if len(parts) > 2 else ""), (parts[3] if len(parts) > 3 else "")
    name = RAW.get((engine, rest))
    if not name:
        h.send_body(404, "no such capture\n", "text/plain")
        return
    if name.endswith(".json"):
        doc = capture_json(name)
        if rewrite:
            doc = rewrite_json(h, doc, fmt="ddg" if engine == "duckduckgo" else "")
        send_json(h, doc)
    elif name.endswith("NOTES.txt"):
        notes = capture(name)
        page = notes[notes.index("<?xml"):notes.index("</html>") + 7]
        send_html(h, rewrite_google_html(h, page) if rewrite else page)
    else:
        page = capture_html(name)
        if rewrite and engine == "bing":
            page = rewrite_bing(h, page)
        send_html(h, page)


def serve_raw(h, url):
    serve_capture(h, url, False)


def serve_rewrite(h, url):
    serve_capture(h, url, True)


ROUTES = [("/eng/", serve_eng), ("/raw/", serve_raw), ("/rewrite/", serve_rewrite),
          ("/img/", serve_image), ("/page/", serve_page)]
