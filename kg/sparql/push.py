"""Load the built graph into any store that speaks the SPARQL 1.1 Graph Store HTTP Protocol.

The graph is sent as N-Triples with PUT, which replaces the target graph as a whole, then
read back with GET and counted: some stores answer 2xx to an upload they did not store.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from dataclasses import dataclass

from kg.errors import KgError, RemoteError
from kg.sparql import PUSHED_GRAPH as DEFAULT_GRAPH

PASSWORD_VARIABLE = "KG_PASSWORD"


@dataclass
class PushResult:
    url: str
    graph: str  # an IRI, or "default"
    sent: int
    stored: int


def graph_url(gsp_url: str, graph: str) -> str:
    """The GSP URL of one graph: ?graph=IRI (indirect identification) or ?default."""
    query = "default" if graph == "default" else urllib.parse.urlencode({"graph": graph})
    return f"{gsp_url}{'&' if '?' in gsp_url else '?'}{query}"


def _opener(url: str, user: str | None):
    import urllib.request  # 20 ms at start-up: only a push loads it

    if not user:
        return urllib.request.build_opener()
    password = os.environ.get(PASSWORD_VARIABLE, "")
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, url, user, password)
    return urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(manager),
                                       urllib.request.HTTPDigestAuthHandler(manager))


def check_url(url: str) -> None:
    """An http(s) URL with a host, or one clear usage error."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise KgError(f"not a store URL: {url!r} (give an http:// or https:// URL with a host, "
                      "e.g. http://127.0.0.1:7878/store)")


def summary(body: bytes, limit: int = 200) -> str:
    """One line of an error body: the text of an HTML page (no markup), whitespace folded."""
    text = body.decode("utf-8", "replace")
    if re.search(r"(?i)<(!doctype|html|body|p|h1)\b", text):
        import html  # 2 ms at start-up: only a failed push loads it

        text = re.sub(r"(?is)<(head|style|script)\b.*?</\1>", " ", text)
        text = html.unescape(re.sub(r"(?s)<[^>]*>", " ", text))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


# Statuses a server gives when the URL is not a Graph Store Protocol endpoint at all.
NOT_A_STORE = {404, 405, 501}


def _call(opener, request, timeout: float) -> bytes:
    import urllib.error

    try:
        with opener.open(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        detail = summary(exc.read())
        hint = (" (is this a Graph Store Protocol URL? 'kg serve' is read-only and also listens "
                "on port 7878 by default: push to a store such as 'oxigraph serve')"
                if exc.code in NOT_A_STORE else "")
        raise RemoteError(f"{request.get_method()} {request.full_url} answered {exc.code} "
                          f"{exc.reason}{': ' + detail if detail else ''}{hint}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise RemoteError(f"cannot reach {request.full_url}: "
                          f"{getattr(exc, 'reason', exc)}") from None


def count_ntriples(data: bytes) -> int:
    import pyoxigraph as ox

    return sum(1 for _ in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))


def push(gsp_url: str, ntriples: bytes, graph: str = DEFAULT_GRAPH, user: str | None = None,
         timeout: float = 300.0) -> PushResult:
    """Replace `graph` in the store at `gsp_url` with the N-Triples, then verify by counting."""
    if graph != "default" and not graph.startswith(("http://", "https://", "urn:")):
        raise KgError(f"--graph must be an absolute IRI or 'default', got {graph!r}")
    import urllib.request

    check_url(gsp_url)
    target = graph_url(gsp_url, graph)
    opener = _opener(target, user)
    sent = count_ntriples(ntriples)
    _call(opener, urllib.request.Request(
        target, data=ntriples, method="PUT",
        headers={"Content-Type": "application/n-triples"}), timeout)
    stored_data = _call(opener, urllib.request.Request(
        target, method="GET", headers={"Accept": "application/n-triples"}), timeout)
    stored = count_ntriples(stored_data)
    if stored != sent:
        raise RemoteError(f"sent {sent} triples to {target} but it now holds {stored}")
    return PushResult(gsp_url, graph, sent, stored)
