"""Link fetcher for the ``links`` check kind: stdlib only, no browser.

:class:`LinkChecker` checks a batch of absolute URLs:

* URLs on the internal origin, or on a host in ``allow_hosts``, are requested:
  HEAD first, GET when HEAD answers 405/501 or when the URL has a ``#fragment``
  (the fragment must then name an ``id``, or an ``<a name>``, in the target).
  Redirects are followed by hand (relative ``Location`` too) and counted; more
  than ``max_redirects`` hops fails. 429 and 503 are retried with exponential
  backoff, honouring ``Retry-After`` (capped). A result is ok below 400.
* Any other URL is NEVER requested: it is only checked for syntax (scheme
  http/https, a valid host and port). A redirect to such a host is recorded as
  the result and not followed.
* Requests to one host never exceed ``per_host_concurrency`` at a time.
* Each document is fetched once per run: results go through a :class:`LinkCache`.
  By default that is one in-memory cache per process; when the environment
  variable ``REGRESS_LINK_CACHE_DIR`` names a directory, a JSON file cache
  there (guarded by ``fcntl.flock``) is shared by all processes using it. Under
  pytest-xdist, workers share a file cache for the run automatically (keyed by
  ``PYTEST_XDIST_TESTRUNUID``), so a URL is fetched once across workers too.
"""
from __future__ import annotations

import email.utils
import hashlib
import http.client
import ipaddress
import json
import os
import re
import ssl
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Protocol
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

CACHE_DIR_ENV = "REGRESS_LINK_CACHE_DIR"
XDIST_RUN_ENV = "PYTEST_XDIST_TESTRUNUID"
USER_AGENT = "regress-linkcheck/1.0 (+news-site regression suite)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 503})
HEAD_UNSUPPORTED = frozenset({405, 501})
MAX_BODY_BYTES = 5 * 1024 * 1024
DEFAULT_PORTS = {"http": 80, "https": 443}
# Fragments every HTML document has (HTML: "#" and "#top" scroll to the top).
ALWAYS_PRESENT_FRAGMENTS = frozenset({"", "top"})

_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


# --- results --------------------------------------------------------------------

@dataclass(frozen=True)
class LinkResult:
    """What one URL came to.

    ``status`` is the last HTTP status seen (None when not requested or when the
    request failed); ``final_url`` where redirects ended; ``error`` says what is
    wrong when ``ok`` is false; ``note`` carries remarks on an ok result (e.g.
    "not requested: host not allowed"). ``requested`` is whether any request was
    made for it (in this or another process sharing the cache).
    """

    url: str
    status: int | None
    final_url: str
    redirects: int
    ok: bool
    error: str | None = None
    note: str = ""
    requested: bool = False


@dataclass(frozen=True)
class Fetched:
    """One URL fetched with its body (:meth:`LinkChecker.fetch`).

    ``not_requested`` says why it was not requested (its host, or a redirect's, is not
    allowed): then nothing is known of it but its syntax, and it is neither ok nor broken."""

    url: str
    final_url: str
    status: int | None
    redirects: int
    body: bytes = b""
    content_type: str = ""
    error: str | None = None
    not_requested: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None and not self.not_requested


@dataclass(frozen=True)
class _Hop:
    """Where following a URL through its redirects ended."""

    url: str
    status: int | None
    redirects: int
    error: str | None
    note: str = ""
    anchors_note: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None


# --- URL syntax -----------------------------------------------------------------

def valid_hostname(host: str) -> bool:
    """A DNS name (IDN allowed), an IPv4 address, or an IPv6 address."""
    if not host:
        return False
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    ascii_host = ascii_host[:-1] if ascii_host.endswith(".") else ascii_host
    if not ascii_host or len(ascii_host) > 253:
        return False
    labels = ascii_host.split(".")
    if all(label.isdigit() for label in labels):  # "999.1.1.1": not an IP, not a name
        return False
    return all(_LABEL.match(label) for label in labels)


def http_url_problem(url: str) -> str | None:
    """Why ``url`` is not a well-formed http(s) URL, or None if it is."""
    if any(ch.isspace() for ch in url):
        return "URL contains whitespace"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as err:
        return f"malformed URL ({err})"
    if parts.scheme.lower() not in DEFAULT_PORTS:
        return f"scheme {parts.scheme or '(none)'!r} is not http/https"
    host = parts.hostname or ""
    if not valid_hostname(host):
        return f"invalid host {host!r}" if host else "URL has no host"
    if port == 0:
        return "invalid port 0"
    return None


def origin_of(url: str) -> tuple[str, str, int]:
    """(scheme, hostname, port) with the default port filled in."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or DEFAULT_PORTS.get(scheme, 0)
    return scheme, (parts.hostname or "").lower(), port


def host_allowed(url: str, allow_hosts: Iterable[str]) -> bool:
    """Whether ``url``'s host is listed. Entries: ``host`` (any port),
    ``host:port``, or ``*.example.com`` / ``.example.com`` (subdomains and the domain)."""
    _, host, port = origin_of(url)
    for entry in allow_hosts:
        entry = entry.strip().lower()
        if not entry:
            continue
        entry_host, entry_port = entry, None
        m = re.fullmatch(r"(.+):(\d+)", entry)
        if m and not entry.endswith("]"):
            entry_host, entry_port = m.group(1), int(m.group(2))
        entry_host = entry_host.strip("[]")
        if entry_port is not None and entry_port != port:
            continue
        if entry_host.startswith("*.") or entry_host.startswith("."):
            domain = entry_host.lstrip("*").lstrip(".")
            if host == domain or host.endswith("." + domain):
                return True
        elif host == entry_host:
            return True
    return False


# --- fragments ------------------------------------------------------------------

class _AnchorParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.anchors.add(value)

    handle_startendtag = handle_starttag


def html_anchors(html: str) -> set[str]:
    """The ids (and ``<a name>`` values) of an HTML document."""
    parser = _AnchorParser()
    parser.feed(html)
    parser.close()
    return parser.anchors


def fragment_present(fragment: str, anchors: Iterable[str]) -> bool:
    if fragment in ALWAYS_PRESENT_FRAGMENTS or fragment.lower() == "top":
        return True
    anchors = set(anchors)
    return fragment in anchors or unquote(fragment) in anchors


# --- the cache ------------------------------------------------------------------

Record = dict  # a JSON-able fetch record of one document (see LinkChecker._fetch_document)


class LinkCache(Protocol):
    """Where fetch records live for a run. ``get_or_compute`` must call
    ``compute`` at most once per key across everyone sharing the cache."""

    def get(self, key: str) -> Record | None: ...

    def get_or_compute(self, key: str, compute: Callable[[], Record]) -> Record: ...


class MemoryLinkCache:
    """Per-process cache; a key being computed makes other threads wait for it."""

    def __init__(self) -> None:
        self._data: dict[str, Record] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: str) -> Record | None:
        return self._data.get(key)

    def get_or_compute(self, key: str, compute: Callable[[], Record]) -> Record:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._data:
                self._data[key] = compute()
            return self._data[key]

    def clear(self) -> None:
        with self._guard:
            self._data.clear()
            self._locks.clear()

    def __len__(self) -> int:
        return len(self._data)


class FileLinkCache:
    """JSON files in ``directory``, one per key, shared between processes.

    The fetch runs while holding an exclusive ``flock`` on the key's lock file,
    so a second process asking for the same URL waits and then reads the
    result instead of fetching again. The directory must be per run (the
    suite's controller creates it and exports ``REGRESS_LINK_CACHE_DIR``).
    """

    def __init__(self, directory: str | os.PathLike) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def _paths(self, key: str) -> tuple[Path, Path]:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
        return self.directory / f"{digest}.json", self.directory / f"{digest}.lock"

    @staticmethod
    def _read(path: Path) -> Record | None:
        try:
            with open(path, encoding="utf-8") as fh:
                return json.load(fh)["record"]
        except (OSError, ValueError, KeyError):
            return None

    def get(self, key: str) -> Record | None:
        return self._read(self._paths(key)[0])

    def get_or_compute(self, key: str, compute: Callable[[], Record]) -> Record:
        import fcntl

        data_path, lock_path = self._paths(key)
        cached = self._read(data_path)
        if cached is not None:
            return cached
        with open(lock_path, "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                cached = self._read(data_path)
                if cached is not None:
                    return cached
                record = compute()
                tmp = data_path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
                with open(tmp, "w", encoding="utf-8") as fh:
                    json.dump({"key": key, "record": record}, fh)
                os.replace(tmp, data_path)
                return record
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


_PROCESS_CACHE = MemoryLinkCache()
_FILE_CACHES: dict[str, FileLinkCache] = {}


def default_cache() -> LinkCache:
    """The file cache named by ``REGRESS_LINK_CACHE_DIR``; under pytest-xdist
    (``PYTEST_XDIST_TESTRUNUID``, one value per run shared by its workers) a
    file cache in the temp dir for that run; else this process's memory cache."""
    directory = os.environ.get(CACHE_DIR_ENV)
    if not directory and os.environ.get(XDIST_RUN_ENV):
        run_id = re.sub(r"[^A-Za-z0-9_-]", "", os.environ[XDIST_RUN_ENV])[:64]
        directory = os.path.join(tempfile.gettempdir(), f"regress-linkcache-{run_id}")
    if directory:
        if directory not in _FILE_CACHES:
            _FILE_CACHES[directory] = FileLinkCache(directory)
        return _FILE_CACHES[directory]
    return _PROCESS_CACHE


def clear_process_cache() -> None:
    _PROCESS_CACHE.clear()


# --- the checker ----------------------------------------------------------------

@dataclass
class LinkChecker:
    allow_hosts: Iterable[str] = ()
    internal_origin: str | None = None
    max_redirects: int = 3
    per_host_concurrency: int = 4
    retries: int = 3
    timeout_s: float = 10
    backoff_s: float = 0.5
    max_backoff_s: float = 5.0
    max_workers: int = 16
    cache: LinkCache | None = None
    _semaphores: dict = field(default_factory=dict, init=False, repr=False)
    _sem_guard: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.allow_hosts = tuple(h for h in (self.allow_hosts or ()) if h)
        self._internal = origin_of(self.internal_origin) if self.internal_origin else None
        if self.cache is None:
            self.cache = default_cache()
        self.per_host_concurrency = max(1, int(self.per_host_concurrency))

    @classmethod
    def for_site(cls, links_settings: Mapping[str, Any], base_url: str, allow_hosts: Iterable[str] = (),
                 max_redirects: int | None = None) -> "LinkChecker":
        """The site's link policy: the settings' ``links`` (hosts, redirects, concurrency, retries,
        timeout), the site under test as the internal origin, plus a check's own ``allow_hosts``
        and ``max_redirects`` (None: the settings')."""
        return cls(
            allow_hosts=list(dict.fromkeys([*links_settings["allow_hosts"], *allow_hosts])),
            internal_origin=f"{origin_of(base_url)[0]}://{urlsplit(base_url).netloc}",
            max_redirects=links_settings["max_redirects"] if max_redirects is None else max_redirects,
            per_host_concurrency=links_settings["per_host_concurrency"],
            retries=links_settings["retries"],
            timeout_s=links_settings["timeout_s"],
        )

    # -- policy --------------------------------------------------------------
    def is_internal(self, url: str) -> bool:
        return self._internal is not None and origin_of(url) == self._internal

    def may_request(self, url: str) -> bool:
        if http_url_problem(url) is not None:
            return False
        return self.is_internal(url) or host_allowed(url, self.allow_hosts)

    # -- public API ----------------------------------------------------------
    def check(self, url: str) -> LinkResult:
        return self.check_many([url])[url]

    def check_many(self, urls: Iterable[str]) -> dict[str, LinkResult]:
        """Check every URL (duplicates once); returns {url: LinkResult}."""
        urls = list(dict.fromkeys(urls))
        # One fetch per document: URLs differing only by fragment share it, and
        # it is a GET (to read anchors) if any of them has a fragment.
        documents: dict[str, bool] = {}
        for url in urls:
            if self.may_request(url):
                doc, frag = _defrag(url)
                documents[doc] = documents.get(doc, False) or frag is not None
        records: dict[str, Record] = {}
        if documents:
            workers = max(1, min(self.max_workers, len(documents)))
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="linkcheck") as pool:
                futures = {doc: pool.submit(self._document, doc, need_anchors)
                           for doc, need_anchors in documents.items()}
                records = {doc: fut.result() for doc, fut in futures.items()}
        return {url: self._result(url, records) for url in urls}

    # -- internals -----------------------------------------------------------
    def _fingerprint(self) -> str:
        return json.dumps([self.internal_origin, sorted(self.allow_hosts), self.max_redirects])

    def _document(self, doc: str, need_anchors: bool) -> Record:
        fp = self._fingerprint()
        get_key = f"GET {doc} {fp}"
        if not need_anchors:
            # A GET record of the same document serves a plain link too.
            cached = self.cache.get(get_key)
            if cached is not None:
                return cached
            return self.cache.get_or_compute(f"ANY {doc} {fp}", lambda: self._fetch_document(doc, False))
        return self.cache.get_or_compute(get_key, lambda: self._fetch_document(doc, True))

    def _result(self, url: str, records: Mapping[str, Record]) -> LinkResult:
        problem = http_url_problem(url)
        if problem:
            return LinkResult(url, None, url, 0, False, problem)
        if not self.may_request(url):
            return LinkResult(url, None, url, 0, True, None, "not requested: host not allowed (syntax checked)")
        doc, frag = _defrag(url)
        rec = records[doc]
        result = LinkResult(url, rec["status"], rec["final_url"], rec["redirects"], rec["error"] is None,
                            rec["error"], rec.get("note", ""), rec.get("requested", True))
        if frag is None or not result.ok:
            return result
        anchors = rec.get("anchors")
        if anchors is None:
            why = rec.get("anchors_note") or "target not parsed"
            return _replace(result, note=_join(result.note, f"fragment #{frag} not verified: {why}"))
        if not fragment_present(frag, anchors):
            return _replace(result, ok=False, error=f"missing fragment #{frag} on target")
        return result

    def _semaphore(self, url: str) -> threading.Semaphore:
        _, host, _ = origin_of(url)
        with self._sem_guard:
            if host not in self._semaphores:
                self._semaphores[host] = threading.BoundedSemaphore(self.per_host_concurrency)
            return self._semaphores[host]

    def _fetch_document(self, doc: str, need_anchors: bool) -> Record:
        """Follow ``doc`` through redirects; returns a JSON-able record."""
        hop = self._follow(doc, "GET" if need_anchors else "HEAD")
        rec = _record(hop.url, hop.status, hop.redirects, hop.error, note=hop.note, anchors_note=hop.anchors_note)
        if need_anchors and hop.error is None and not hop.note:
            ctype = hop.headers.get("content-type", "")
            if "html" in ctype.lower() or not ctype:
                rec["anchors"] = sorted(html_anchors(_decode(hop.body or b"", ctype)))
            else:
                rec["anchors_note"] = f"target is {ctype.split(';')[0].strip()}, not HTML"
        return rec

    def fetch(self, url: str) -> Fetched:
        """GET ``url`` and keep its body (at most ``MAX_BODY_BYTES``), under the same policy as
        links: a host that may not be requested is not, and a redirect to one is not followed.
        Not cached (bodies are not kept between checks)."""
        problem = http_url_problem(url)
        if problem:
            return Fetched(url, url, None, 0, error=problem)
        if not self.may_request(url):
            return Fetched(url, url, None, 0, not_requested="host not allowed (syntax checked)")
        hop = self._follow(_defrag(url)[0], "GET")
        if hop.note:
            return Fetched(url, hop.url, hop.status, hop.redirects, not_requested=hop.note)
        return Fetched(url, hop.url, hop.status, hop.redirects, body=hop.body or b"",
                       content_type=hop.headers.get("content-type", ""), error=hop.error)

    def _follow(self, url: str, method: str) -> _Hop:
        """Request ``url`` by ``method``, following redirects by hand under the policy."""
        hops = 0
        while True:
            try:
                status, headers, body = self._request_with_retries(method, url)
                if method == "HEAD" and status in HEAD_UNSUPPORTED:
                    method = "GET"
                    status, headers, body = self._request_with_retries(method, url)
            except (OSError, http.client.HTTPException, ssl.SSLError) as err:
                return _Hop(url, None, hops, f"request failed: {_describe(err)}")
            if status in REDIRECT_STATUSES and headers.get("location"):
                target = urljoin(url, headers["location"].strip())
                hops += 1
                if hops > self.max_redirects:
                    return _Hop(target, status, hops, f"too many redirects ({hops}, max {self.max_redirects})")
                problem = http_url_problem(target)
                if problem:
                    return _Hop(target, status, hops, f"redirect to a bad URL: {problem}")
                if not self.may_request(target):
                    return _Hop(target, status, hops, None,
                                note="redirect to a host not allowed: not followed (syntax checked)",
                                anchors_note="redirected to a host not allowed")
                url = _defrag(target)[0]
                if status == 303 and method != "HEAD":
                    method = "GET"
                continue
            error = f"status {status}" if status >= 400 else None
            return _Hop(url, status, hops, error, headers=headers, body=body)

    def _request_with_retries(self, method: str, url: str) -> tuple[int, dict, bytes | None]:
        attempt = 0
        while True:
            status, headers, body = self._request(method, url)
            if status not in RETRY_STATUSES or attempt >= self.retries:
                return status, headers, body
            time.sleep(self._delay(attempt, headers.get("retry-after")))
            attempt += 1

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        delay = self.backoff_s * (2 ** attempt)
        if retry_after:
            value = retry_after.strip()
            if value.isdigit():
                delay = float(value)
            else:
                try:
                    when = email.utils.parsedate_to_datetime(value)
                    delay = when.timestamp() - time.time()
                except (TypeError, ValueError, IndexError):
                    pass
        return max(0.0, min(delay, self.max_backoff_s))

    def _request(self, method: str, url: str) -> tuple[int, dict, bytes | None]:
        parts = urlsplit(url)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        host = parts.hostname or ""
        if parts.scheme.lower() == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, parts.port, timeout=self.timeout_s, context=ssl.create_default_context())
        else:
            conn = http.client.HTTPConnection(host, parts.port, timeout=self.timeout_s)
        with self._semaphore(url):
            try:
                conn.request(method, _ascii_path(path), headers={
                    "User-Agent": USER_AGENT,
                    "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                    "Accept-Encoding": "identity",
                })
                resp = conn.getresponse()
                headers = {k.lower(): v for k, v in resp.getheaders()}
                body = resp.read(MAX_BODY_BYTES) if method == "GET" else None
                return resp.status, headers, body
            finally:
                conn.close()


# --- helpers --------------------------------------------------------------------

def _defrag(url: str) -> tuple[str, str | None]:
    parts = urlsplit(url)
    doc = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
    return doc, (parts.fragment if "#" in url else None)


def _record(url: str, status: int | None, hops: int, error: str | None, note: str = "",
            anchors_note: str = "") -> Record:
    rec: Record = {"status": status, "final_url": url, "redirects": hops, "error": error,
                   "note": note, "requested": True}
    if anchors_note:
        rec["anchors_note"] = anchors_note
    return rec


def _replace(result: LinkResult, **changes: Any) -> LinkResult:
    return LinkResult(**{**asdict(result), **changes})


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b


def _describe(err: BaseException) -> str:
    text = str(err) or err.__class__.__name__
    return f"{err.__class__.__name__}: {text}" if text != err.__class__.__name__ else text


def _decode(body: bytes, content_type: str) -> str:
    m = re.search(r"charset=([\w.:-]+)", content_type, re.I)
    try:
        return body.decode(m.group(1) if m else "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _ascii_path(path: str) -> str:
    """Percent-encode non-ASCII characters (http.client sends ASCII only)."""
    if path.isascii():
        return path
    from urllib.parse import quote

    return quote(path, safe="/?&=%:@!$'()*+,;~-._#[]")
