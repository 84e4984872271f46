"""An OpenAI-compatible server on 127.0.0.1 for tests: real HTTP, scripted replies, a request log.

    with FakeOpenAI(models=["fake-model"]) as server:
        server.script("/chat/completions", rate_limited(retry_after="1"), json_reply({...}))
        settings = LLMSettings(base_url=server.base_url, ...)
        ...
        assert len(server.requests_to("/chat/completions")) == 2

Each endpoint (`/chat/completions`, `/models`, `/files`, `/files/{id}/content`, `/batches`,
`/batches/{id}`) has a queue of scripted replies, served in order; when its queue is empty the
endpoint's default answers (`server.default[route]`, a Reply or a function of the recorded request).

The Batch API: `POST /files` stores an upload, `POST /batches` creates a batch whose status moves
one step along `server.batch_statuses` per `GET /batches/{id}` (validating, in_progress, finalizing,
completed by default; `["validating", "failed"]` or `[..., "expired"]` for the unhappy ends). While
`server.hold_batches` is set a batch stops at `in_progress`. When a batch completes (or expires),
each of its requests is answered by `/chat/completions` as scripted (an expired batch answers the
first `expire_after` and fails the rest), and the output and error files can be downloaded.
"""

import contextlib
import json
import re
import socket
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pydantic import BaseModel, ConfigDict

from simulator.llm import LLMSettings

MODEL = "fake-model"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    at: float = field(default_factory=time.monotonic)
    ended: float | None = None
    """When the server stopped answering it: its reply was sent, or the client hung up (noticed at the next write)."""

    @property
    def messages(self) -> list[dict[str, str]]:
        return self.body["messages"]


@dataclass
class Reply:
    status: int = 200
    content: str | None = None
    """The assistant message of a chat completion (built around it)."""
    body: Any = None
    """Else the whole body: a dict or list is sent as JSON, a str as it is."""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to wait before answering (longer than the client timeout: a timeout)."""
    deltas: list[Any] | None = None
    """A streamed reply: these deltas' `content` (text, or a list of parts) as `chat.completion.chunk`
    server-sent events."""
    cut_after: int | None = None
    """Streams only: drop the connection after this many deltas."""
    finish: bool = True
    """Streams only: end with a finish_reason chunk and [DONE]; False ends cleanly without them."""
    gap: float = 0.0
    """Streams only: seconds to wait before each delta after the first (a model still speaking)."""
    usage: tuple[int, int, int] = (100, 20, 0)
    """Prompt, completion and cached tokens reported."""
    content_type: str = "application/json"
    """The content-type header of a reply that is not streamed."""
    trickle: float = 0.0
    """Not streamed: send the whole response (status line, headers, body) `trickle_bytes` at a time,
    one piece every `trickle` seconds: every read gets a byte in time, the reply never finishes in time."""
    trickle_bytes: int = 4


Responder = Reply | Callable[[Recorded], Reply]
DEFAULT_BATCH_STATUSES = ("validating", "in_progress", "finalizing", "completed")
_ROUTES = (
    (re.compile(r"^/files/[^/]+/content$"), "/files/{id}/content"),
    (re.compile(r"^/batches/[^/]+$"), "/batches/{id}"),
)


def route_of(path: str) -> str:
    """The endpoint a path belongs to: `/batches/batch_1` is `/batches/{id}`."""
    for pattern, route in _ROUTES:
        if pattern.match(path):
            return route
    return path


@dataclass
class FakeBatch:
    id: str
    input_file_id: str
    statuses: list[str]
    metadata: dict[str, str] | None
    polls: int = 0
    status: str = "validating"
    output_file_id: str | None = None
    error_file_id: str | None = None
    ran: bool = False
    completed: int = 0
    failed: int = 0


def completion(content: str, *, usage: tuple[int, int, int] = (100, 20, 0)) -> Reply:
    return Reply(content=content, usage=usage)


def json_reply(data: Any, *, usage: tuple[int, int, int] = (100, 20, 0)) -> Reply:
    return completion(json.dumps(data), usage=usage)


def chat_reply(message: Any, *, finish_reason: str | None = "stop", **fields: Any) -> Reply:
    """A chat completion whose first choice holds `message` as given (any shape a server may send);
    `fields` replace top-level keys (`choices=[]`, `usage=...`)."""
    body = _completion(MODEL, "", (100, 20, 0))
    body["choices"][0].update(message=message, finish_reason=finish_reason)
    return Reply(body={**body, **fields})


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    kind = "invalid_request_error" if status < 500 else "server_error"
    body = {"error": {"message": message, "type": kind, "code": None}}
    return Reply(status=status, body=body, headers=headers or {})


def rate_limited(*, retry_after: str | None = None, retry_after_ms: str | None = None) -> Reply:
    headers = {}
    if retry_after is not None:
        headers["retry-after"] = retry_after
    if retry_after_ms is not None:
        headers["retry-after-ms"] = retry_after_ms
    return error(429, "Rate limit reached", headers)


def schema_refused() -> Reply:
    """What a server without structured outputs says to `response_format: json_schema`."""
    return error(400, "response_format type 'json_schema' is not supported by this server")


def html_page(status: int = 200) -> Reply:
    """What a web server that is not an OpenAI-compatible API answers: an HTML page."""
    page = "<!doctype html>\n<html><head><title>Welcome</title></head><body><h1>It works!</h1></body></html>\n"
    return Reply(status=status, body=page, content_type="text/html; charset=utf-8")


def invalid_json() -> Reply:
    """A body served as application/json that does not parse as JSON."""
    return Reply(body='{"id": "chatcmpl-broken", "choices": [')


def trickled(reply: Reply | None = None, *, every: float = 0.3, size: int = 4) -> Reply:
    """`reply` (a valid completion by default) sent a few bytes at a time, one piece every `every` s."""
    base = reply or json_reply({"sum": 5})
    return replace(base, trickle=every, trickle_bytes=size)


def streamed(deltas: list[str], *, cut_after: int | None = None, finish: bool = True, gap: float = 0.0) -> Reply:
    return Reply(deltas=deltas, cut_after=cut_after, finish=finish, gap=gap)


class FakeOpenAI:
    def __init__(self, models: list[str] | None = None) -> None:
        self.models = list(models or [MODEL])
        self.requests: list[Recorded] = []
        self.default: dict[str, Responder] = {
            "/models": lambda _: Reply(
                body={
                    "object": "list",
                    "data": [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in self.models],
                }
            ),
            "/chat/completions": error(500, "fake server: no reply scripted"),
            "/files": self._create_file,
            "/files/{id}/content": self._file_content,
            "/batches": self._create_batch,
            "/batches/{id}": self._retrieve_batch,
        }
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, FakeBatch] = {}
        self.batch_statuses: list[str] = list(DEFAULT_BATCH_STATUSES)
        self.hold_batches = False
        self.batch_failure = "fake server: the batch failed validation"
        self.expire_after = 1
        self._queues: dict[str, deque[Responder]] = defaultdict(deque)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def script(self, path: str, *replies: Responder) -> None:
        with self._lock:
            self._queues[path].extend(replies)

    def requests_to(self, path: str, method: str | None = None) -> list[Recorded]:
        """Requests to a path or a route (`/batches/{id}`), of one method if given."""
        with self._lock:
            return [r for r in self.requests if path in (r.path, route_of(r.path)) and method in (None, r.method)]

    def __enter__(self) -> "FakeOpenAI":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def _answer(self, recorded: Recorded) -> Reply:
        route = route_of(recorded.path)
        with self._lock:
            self.requests.append(recorded)
            queue = self._queues[route]
            responder = queue.popleft() if queue else self.default.get(route)
        if responder is None:
            return error(404, f"fake server: no endpoint {recorded.path}")
        return responder(recorded) if callable(responder) else responder

    # --- files and batches ----------------------------------------------------------------------

    def _create_file(self, recorded: Recorded) -> Reply:
        upload = recorded.body["file"]
        with self._lock:
            file_id = f"file-{len(self.files) + 1}"
            self.files[file_id] = upload["content"]
        return Reply(
            body={
                "id": file_id,
                "object": "file",
                "bytes": len(upload["content"]),
                "created_at": 0,
                "filename": upload["filename"],
                "purpose": recorded.body["purpose"],
                "status": "processed",
            }
        )

    def _file_content(self, recorded: Recorded) -> Reply:
        file_id = recorded.path.split("/")[2]
        with self._lock:
            content = self.files.get(file_id)
        if content is None:
            return error(404, f"No such File object: {file_id}")
        return Reply(body=content.decode())

    def _create_batch(self, recorded: Recorded) -> Reply:
        body = recorded.body
        with self._lock:
            if body["input_file_id"] not in self.files:
                return error(400, f"No such File object: {body['input_file_id']}")
            batch = FakeBatch(
                f"batch_{len(self.batches) + 1}", body["input_file_id"], list(self.batch_statuses), body.get("metadata")
            )
            self.batches[batch.id] = batch
            return Reply(body=self._batch_json(batch))

    def _retrieve_batch(self, recorded: Recorded) -> Reply:
        batch_id = recorded.path.split("/")[2]
        with self._lock:
            batch = self.batches.get(batch_id)
            if batch is None:
                return error(404, f"No such Batch object: {batch_id}")
            batch.polls += 1
            held = self.hold_batches and batch.status == "in_progress"
            if not held:
                batch.status = batch.statuses[min(batch.polls, len(batch.statuses) - 1)]
            finishing = batch.status in ("completed", "expired") and not batch.ran
            batch.ran = batch.ran or finishing
        if finishing:
            self._run_batch(batch)
        with self._lock:
            return Reply(body=self._batch_json(batch))

    def _run_batch(self, batch: FakeBatch) -> None:
        """Answer the batch's requests through `/chat/completions` and store its result files."""
        lines = [json.loads(line) for line in self.files[batch.input_file_id].decode().splitlines() if line.strip()]
        done: list[str] = []
        failed: list[str] = []
        for n, line in enumerate(lines):
            if batch.status == "expired" and n >= self.expire_after:
                failed.append(
                    json.dumps(
                        {
                            "id": f"batch_req_{n}",
                            "custom_id": line["custom_id"],
                            "response": None,
                            "error": {
                                "code": "batch_expired",
                                "message": "This request could not be executed before the completion window expired.",
                            },
                        }
                    )
                )
                continue
            reply = self._answer(Recorded("POST", "/chat/completions", {"x-fake-batch": batch.id}, line["body"]))
            data = reply.body
            if reply.content is not None:
                data = _completion(line["body"].get("model", MODEL), reply.content, reply.usage)
            response = {"status_code": reply.status, "request_id": f"req_{n}", "body": data}
            entry = json.dumps(
                {"id": f"batch_req_{n}", "custom_id": line["custom_id"], "response": response, "error": None}
            )
            (done if reply.status == 200 else failed).append(entry)
        with self._lock:
            batch.completed, batch.failed = len(done), len(failed)
            batch.output_file_id = self._store("\n".join(done))
            batch.error_file_id = self._store("\n".join(failed)) if failed else None

    def _store(self, text: str) -> str:
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = (text + "\n").encode() if text else b""
        return file_id

    def _batch_json(self, batch: FakeBatch) -> dict[str, Any]:
        total = len([ln for ln in self.files[batch.input_file_id].splitlines() if ln.strip()])
        progress = {"in_progress": total // 2, "finalizing": total}
        completed = batch.completed if batch.ran else progress.get(batch.status, 0)
        errors = None
        if batch.status == "failed":
            errors = {
                "object": "list",
                "data": [{"code": "invalid_request", "message": self.batch_failure, "param": None, "line": 1}],
            }
        return {
            "id": batch.id,
            "object": "batch",
            "endpoint": "/v1/chat/completions",
            "errors": errors,
            "input_file_id": batch.input_file_id,
            "completion_window": "24h",
            "status": batch.status,
            "output_file_id": batch.output_file_id,
            "error_file_id": batch.error_file_id,
            "created_at": 0,
            "request_counts": {"total": total, "completed": completed, "failed": batch.failed},
            "metadata": batch.metadata,
        }


class _Server(ThreadingHTTPServer):
    """A listen backlog as deep as a real server's: with the default 5, connections opened together are
    dropped, and each dropped one waits a second for its SYN to be resent."""

    request_queue_size = 128


def _handler(server: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # small writes go out at once: a reply takes no 40 ms delayed-ACK wait

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def handle(self) -> None:
            with contextlib.suppress(ConnectionResetError):  # the client hung up: it stopped reading a stream
                super().handle()

        def do_GET(self) -> None:
            self._serve(None)

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            kind = self.headers.get("content-type", "")
            if kind.startswith("multipart/form-data"):
                self._serve(_form_fields(kind, raw))
            else:
                self._serve(json.loads(raw) if raw else None)

        def _serve(self, body: Any) -> None:
            path = self.path.split("?")[0].removeprefix("/v1")
            headers = {k.lower(): v for k, v in self.headers.items()}
            recorded = Recorded(self.command, path, headers, body)
            reply = server._answer(recorded)
            try:
                if reply.delay and server._stopping.wait(reply.delay):
                    return
                if reply.deltas is not None:
                    self._stream(reply, body or {})
                else:
                    self._send(reply, body or {})
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (a timeout); nothing to do
            finally:
                recorded.ended = time.monotonic()

        def _send(self, reply: Reply, request: dict[str, Any]) -> None:
            data = reply.body
            if reply.content is not None:
                data = _completion(request.get("model", MODEL), reply.content, reply.usage)
            raw = data.encode() if isinstance(data, str) else json.dumps(data).encode()
            if reply.trickle:
                self._trickle(reply, raw)
                return
            self.send_response(reply.status)
            self.send_header("content-type", reply.content_type)
            self.send_header("content-length", str(len(raw)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)

        def _trickle(self, reply: Reply, raw: bytes) -> None:
            head = (
                f"HTTP/1.1 {reply.status} OK\r\ncontent-type: {reply.content_type}\r\n"
                f"content-length: {len(raw)}\r\n\r\n"
            ).encode()
            whole = head + raw
            for at in range(0, len(whole), reply.trickle_bytes):
                if at and server._stopping.wait(reply.trickle):
                    return
                self.wfile.write(whole[at : at + reply.trickle_bytes])
                self.wfile.flush()

        def _stream(self, reply: Reply, request: dict[str, Any]) -> None:
            model = request.get("model", MODEL)
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            assert reply.deltas is not None
            for i, delta in enumerate(reply.deltas):
                if reply.cut_after is not None and i >= reply.cut_after:
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                if i and reply.gap and server._stopping.wait(reply.gap):
                    return
                self._event(_chunk(model, {"content": delta}, None))
            if reply.finish:
                self._event(_chunk(model, {}, "stop"))
                if (request.get("stream_options") or {}).get("include_usage"):
                    self._event({**_chunk(model, {}, None), "choices": [], "usage": _usage(reply.usage)})
                self._chunk(b"data: [DONE]\n\n")
            self._chunk(b"")

        def _event(self, data: dict[str, Any]) -> None:
            self._chunk(f"data: {json.dumps(data)}\n\n".encode())

        def _chunk(self, raw: bytes) -> None:
            self.wfile.write(f"{len(raw):x}\r\n".encode() + raw + b"\r\n")
            self.wfile.flush()

    return Handler


def _form_fields(content_type: str, raw: bytes) -> dict[str, Any]:
    """A multipart upload: plain fields as text, a file as {"filename", "content" (bytes)}."""
    message = BytesParser(policy=HTTP).parsebytes(f"content-type: {content_type}\r\n\r\n".encode() + raw)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        filename = part.get_filename()
        fields[str(name)] = {"filename": filename, "content": payload} if filename else payload.decode()
    return fields


def _usage(usage: tuple[int, int, int]) -> dict[str, Any]:
    prompt, completion_tokens, cached = usage
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt + completion_tokens,
        "prompt_tokens_details": {"cached_tokens": cached},
    }


def _completion(model: str, content: str, usage: tuple[int, int, int]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
        "usage": _usage(usage),
    }


def _chunk(model: str, delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def settings_for(server: "FakeOpenAI", **overrides: Any) -> LLMSettings:
    """Settings pointing at the fake server, with waits short enough for tests."""
    values: dict[str, Any] = {
        "base_url": server.base_url,
        "model": MODEL,
        "timeout": 2.0,
        "max_attempts": 3,
        "max_total_seconds": 10.0,
        "backoff_initial": 0.01,
        "backoff_max": 0.05,
    }
    return LLMSettings(**{**values, **overrides})


CHAT = "/chat/completions"
ASK = [{"role": "system", "content": "You add numbers."}, {"role": "user", "content": "2 + 3?"}]
"""The exchange the transport and reply tests send: a question whose answer is `Sum`."""


class Sum(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sum: int
