"""The review server: the run's report in review mode, and its decisions as JSON posts.

Safe by construction:

- bound to 127.0.0.1 only, on a free port unless told one;
- a random token (``secrets.token_urlsafe``) is the first segment of every address: any
  request without it, GET included, is answered 403, as is one whose ``Host`` is not
  ``127.0.0.1:PORT`` (a DNS-rebinding page names its own host);
- what changes state is a POST of JSON whose ``Origin`` is this server's own (403 else);
- the page is the report's template, autoescaped: the site's text is text; it allows
  scripts and styles of its own nonce only, and connections to this server only; files
  are served from the run's ``artifacts/`` and ``traces/`` folders only.

Approve and reject go through :func:`regress.run.approve.approve_items` and
:func:`~regress.run.approve.reject_items`: the refusals, the lock and the atomic writes of
``regress approve``. A refusal is answered as its one line, which the page shows.
"""
from __future__ import annotations

import json
import secrets
import subprocess
import sys
import threading
import webbrowser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..model.project import shown_path
from ..run import changes
from ..run.approve import Refusal, approve_items, localize, read_run, reject_items
from ..run.html import render_report
from ..run.record import RunRecord

HOST = "127.0.0.1"
MAX_BODY = 256 * 1024
FILE_FOLDERS = ("artifacts", "traces")
TYPES = {".png": "image/png", ".zip": "application/zip", ".json": "application/json",
         ".yaml": "text/plain; charset=utf-8", ".yml": "text/plain; charset=utf-8", ".txt": "text/plain; charset=utf-8"}
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


class Review:
    """One review: the run in ``folder`` (decided in ``project``, for a downloaded run), the
    groups of its changes, and what this review decided."""

    def __init__(self, folder: Path, project: Path | None, default_reports_dir: Path, out=sys.stdout) -> None:
        self.folder = Path(folder)
        self.project = project
        self.default_reports_dir = default_reports_dir
        self.out = out
        run = read_run(self.folder)
        self.started = run.started
        self.local = localize(run, self.folder, project)
        self.groups = changes.groups(self.local.run)
        self.by_group = {group.id: group for group in self.groups}
        self.approved: list[str] = []
        self.rejected: list[str] = []
        self._lock = threading.Lock()

    # what the page shows
    def current(self) -> RunRecord:
        """The record as it is now, with its paths as they are here."""
        run = read_run(self.folder)
        if run.started != self.started:
            raise Refusal(f"{self.folder / 'run.json'} is another run now (started {run.started}); "
                          "run `regress review` again")
        return localize(run, self.folder, self.project).run

    def page(self) -> str:
        return render_report(self.current(), self.folder, self.default_reports_dir, review=True, groups=self.groups)

    def answer(self, run: RunRecord | None = None, **extra) -> dict:
        try:
            run = run or self.current()
        except Refusal:
            return {"ok": False, **extra}
        return {"states": changes.decisions(run), "tally": changes.tally(run), **extra}

    # decisions
    def chosen(self, body: dict) -> list[str]:
        reviewable = {item.nodeid for item in changes.reviewable(self.local.run)}
        if isinstance(body.get("group"), str):
            group = self.by_group.get(body["group"])
            if group is None:
                raise Refusal(f"no group {body['group']!r} in this run")
            return list(group.members)
        items = body.get("items")
        if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
            raise Refusal("say which captures: {\"items\": [node id, ...]} or {\"group\": id}")
        unknown = [i for i in items if i not in reviewable]
        if unknown:
            raise Refusal(f"not a failed item with a reference in this run: {unknown[0]}")
        return items

    def decide(self, act: str, body: dict) -> dict:
        with self._lock:
            try:
                nodeids = self.chosen(body)
                if act == "approve":
                    outcome = approve_items(self.folder, nodeids, project=self.project, skip_rejected=False,
                                            started=self.started)
                    self.approved += [n for n in outcome.decided if n not in self.approved]
                    self.rejected = [n for n in self.rejected if n not in outcome.decided]
                else:
                    outcome = reject_items(self.folder, nodeids, strict=True, started=self.started)
                    self.rejected += [n for n in outcome.decided if n not in self.rejected]
            except Refusal as err:
                self.say(f"review: refused: {err}")
                return {**self.answer(), "ok": False, "refusal": str(err)}
            for line in outcome.lines:
                self.say(f"review: {line}")
            return {**self.answer(self.current()), "ok": True, "lines": outcome.lines}

    def say(self, line: str) -> None:
        print(line, file=self.out, flush=True)

    def closing_lines(self) -> list[str]:
        """What the review did, and the baselines to commit."""
        lines = [f"review: ended: {len(self.approved)} approved, {len(self.rejected)} rejected in this review"]
        lines += [f"  approved {n}" for n in self.approved]
        lines += [f"  rejected {n}" for n in self.rejected]
        try:
            run = self.current()
            lines.append(f"review: the run now: {changes.tally_text(changes.tally(run))}")
        except Refusal as err:
            lines.append(f"review: {err}")
            run = self.local.run
        lines += baselines_to_commit(Path(run.project_root or "."), Path(run.baselines_dir or "."))
        return lines


def baselines_to_commit(project: Path, folder: Path) -> list[str]:
    """``git diff --stat`` of the baselines folder, and its new (untracked) files."""
    shown = shown_path(folder, project)
    try:
        stat = subprocess.run(["git", "-C", str(project), "diff", "--stat", "--", shown],
                              capture_output=True, text=True, timeout=30)
        new = subprocess.run(["git", "-C", str(project), "status", "--porcelain", "--untracked-files=all",
                              "--", shown], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as err:
        return [f"review: git is not available ({err}); see {shown}"]
    if stat.returncode != 0 or new.returncode != 0:
        return [f"review: {project} is not a git checkout; the baselines are in {shown}"]
    untracked = [line[3:] for line in new.stdout.splitlines() if line.startswith("??")]
    if not stat.stdout.strip() and not untracked:
        return [f"review: no baseline in {shown} differs from the commit"]
    lines = [f"review: baselines to commit (git diff --stat -- {shown}):"]
    lines += [line.rstrip() for line in stat.stdout.splitlines()]
    lines += [f" new, untracked: {name}" for name in untracked]
    return lines


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, review: Review, port: int = 0) -> None:
        super().__init__((HOST, port), Handler)
        self.review = review
        self.token = secrets.token_urlsafe(24)
        self.port = self.server_address[1]
        self.origin = f"http://{HOST}:{self.port}"
        self.ended: list[str] | None = None

    @property
    def url(self) -> str:
        return f"{self.origin}/{self.token}/"

    def end(self) -> list[str]:
        """Done: stop serving (from another thread than the serving one)."""
        if self.ended is None:
            self.ended = self.review.closing_lines()
            threading.Thread(target=self.shutdown, daemon=True).start()
        return self.ended


class Handler(BaseHTTPRequestHandler):
    server: ReviewServer
    server_version = "regress-review"
    sys_version = ""  # HTTP/1.0: one request per connection, so nothing unread carries over

    def log_message(self, format, *args) -> None:  # the terminal shows decisions, not requests
        pass

    # --- guards ---------------------------------------------------------------------------
    def _below_token(self) -> str | None:
        """The path after the token ("" for the page), or None once a 403 (or redirect) is sent."""
        server = self.server
        if self.headers.get("Host") != f"{HOST}:{server.port}":
            self._send(HTTPStatus.FORBIDDEN, b"forbidden\n", "text/plain; charset=utf-8")
            return None
        path = urlsplit(self.path).path
        _, _, rest = path.partition("/")
        token, slash, below = rest.partition("/")
        if not secrets.compare_digest(token.encode(), server.token.encode()):
            self._send(HTTPStatus.FORBIDDEN, b"forbidden\n", "text/plain; charset=utf-8")
            return None
        if not slash:  # /TOKEN: the page's relative addresses need /TOKEN/
            self._send(HTTPStatus.SEE_OTHER, b"", "text/plain; charset=utf-8", {"Location": f"/{server.token}/"})
            return None
        return unquote(below)

    def _origin_ok(self) -> bool:
        if self.headers.get("Origin") != self.server.origin:
            self._send(HTTPStatus.FORBIDDEN, b"forbidden: not this page's origin\n", "text/plain; charset=utf-8")
            return False
        if (self.headers.get("Content-Type") or "").split(";")[0].strip().lower() != "application/json":
            self._send(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, b"JSON only\n", "text/plain; charset=utf-8")
            return False
        return True

    # --- methods --------------------------------------------------------------------------
    def do_GET(self) -> None:
        below = self._below_token()
        if below is None:
            return
        review = self.server.review
        if below in ("", "index.html"):
            try:
                page = review.page()
            except Refusal as err:
                from html import escape

                body = f"<!doctype html><meta charset=utf-8><title>review</title><p>{escape(str(err))}</p>"
                self._send(HTTPStatus.CONFLICT, body.encode(), "text/html; charset=utf-8")
                return
            self._send(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8",
                       {"Content-Security-Policy": "frame-ancestors 'none'"})
        elif below == "state":
            self._json(HTTPStatus.OK, {"ok": True, **review.answer()})
        elif below.split("/", 1)[0] in FILE_FOLDERS:
            self._file(below)
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")

    def do_POST(self) -> None:
        below = self._below_token()
        if below is None or not self._origin_ok():
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self._json(HTTPStatus.BAD_REQUEST, {"ok": False, "refusal": "a JSON body of at most 256 KiB"})
            return
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            self._json(HTTPStatus.BAD_REQUEST, {"ok": False, "refusal": "the body is not a JSON object"})
            return
        server = self.server
        if server.ended is not None:
            self._json(HTTPStatus.CONFLICT, {"ok": False, "refusal": "the review has ended"})
        elif below in ("approve", "reject"):
            answer = server.review.decide(below, body)
            self._json(HTTPStatus.OK if answer.get("ok") else HTTPStatus.CONFLICT, answer)
        elif below == "done":
            self._json(HTTPStatus.OK, {"ok": True, "lines": server.end()})
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")

    def _other(self) -> None:
        if self._below_token() is not None:
            self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"GET or POST\n", "text/plain; charset=utf-8",
                       {"Allow": "GET, POST"})

    do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _other

    # --- answers --------------------------------------------------------------------------
    def _file(self, below: str) -> None:
        folder = self.server.review.folder.resolve()
        path = (folder / below).resolve()
        allowed = any((folder / name) in path.parents for name in FILE_FOLDERS)
        if not allowed or not path.is_file():
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")
            return
        kind = TYPES.get(path.suffix.lower(), "application/octet-stream")
        headers = {"Content-Security-Policy": "default-src 'none'; sandbox"}
        if not kind.startswith("image/"):
            headers["Content-Disposition"] = f'attachment; filename="{path.name}"'
        self._send(HTTPStatus.OK, path.read_bytes(), kind, headers)

    def _json(self, status: HTTPStatus, data: dict) -> None:
        self._send(status, json.dumps(data).encode("utf-8"), "application/json")

    def _send(self, status: HTTPStatus, body: bytes, kind: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in {**SECURITY_HEADERS, **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
            self.wfile.flush()


def serve(folder: Path, project: Path | None, default_reports_dir: Path, *, port: int = 0,
          open_browser: bool = True, out=sys.stdout) -> int:
    """Serve the review until Done (in the page) or Ctrl-C; print what it did. Refusal when
    there is no readable run to review."""
    review = Review(folder, project, default_reports_dir, out=out)
    server = ReviewServer(review, port)
    counts = changes.tally(review.local.run)
    shared = sum(1 for group in review.groups if group.shared)
    print(f"review: {server.url}", file=out, flush=True)
    print(f"review: {changes.tally_text(counts)}; {shared} group(s) of identical changes; "
          "Done in the page, or Ctrl-C, ends the review", file=out, flush=True)
    if review.local.problem:
        print(f"review: this run cannot be approved here: {review.local.problem}", file=out, flush=True)
    if open_browser:
        webbrowser.open(server.url)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    for line in server.ended or review.closing_lines():
        print(line, file=out, flush=True)
    return 0
