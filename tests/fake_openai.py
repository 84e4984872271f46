"""An OpenAI-compatible server on 127.0.0.1 for tests: real HTTP, scripted replies, a request log.

    with FakeOpenAI(models=["fake-model"]) as server:
        server.script("/chat/completions", rate_limited(retry_after="1"), json_reply({...}))
        settings = LLMSettings(base_url=server.base_url, ...)
        ...
        assert len(server.requests_to("/chat/completions")) == 2

Each endpoint (`/chat/completions`, `/models`) has a queue of scripted replies, served in order;
when its queue is empty the endpoint's default answers (`server.default[path]`, a Reply or a
function of the recorded request).
"""

import json
import socket
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from simulator.llm import LLMSettings

MODEL = "fake-model"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    at: float = field(default_factory=time.monotonic)

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
    deltas: list[str] | None = None
    """A streamed reply: these text deltas as `chat.completion.chunk` server-sent events."""
    cut_after: int | None = None
    """Streams only: drop the connection after this many deltas."""
    finish: bool = True
    """Streams only: end with a finish_reason chunk and [DONE]; False ends cleanly without them."""
    usage: tuple[int, int, int] = (100, 20, 0)
    """Prompt, completion and cached tokens reported."""


Responder = Reply | Callable[[Recorded], Reply]


def completion(content: str, *, usage: tuple[int, int, int] = (100, 20, 0)) -> Reply:
    return Reply(content=content, usage=usage)


def json_reply(data: Any, *, usage: tuple[int, int, int] = (100, 20, 0)) -> Reply:
    return completion(json.dumps(data), usage=usage)


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


def streamed(deltas: list[str], *, cut_after: int | None = None, finish: bool = True) -> Reply:
    return Reply(deltas=deltas, cut_after=cut_after, finish=finish)


class FakeOpenAI:
    def __init__(self, models: list[str] | None = None) -> None:
        self.models = list(models or [MODEL])
        self.requests: list[Recorded] = []
        self.default: dict[str, Responder] = {
            "/models": lambda _: Reply(body={
                "object": "list",
                "data": [{"id": m, "object": "model", "created": 0, "owned_by": "fake"}
                         for m in self.models],
            }),
            "/chat/completions": error(500, "fake server: no reply scripted"),
        }
        self._queues: dict[str, deque[Responder]] = defaultdict(deque)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def script(self, path: str, *replies: Responder) -> None:
        with self._lock:
            self._queues[path].extend(replies)

    def requests_to(self, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def __enter__(self) -> "FakeOpenAI":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def _answer(self, recorded: Recorded) -> Reply:
        with self._lock:
            self.requests.append(recorded)
            queue = self._queues[recorded.path]
            responder = queue.popleft() if queue else self.default.get(recorded.path)
        if responder is None:
            return error(404, f"fake server: no endpoint {recorded.path}")
        return responder(recorded) if callable(responder) else responder


def _handler(server: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._serve(None)

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            self._serve(json.loads(raw) if raw else None)

        def _serve(self, body: Any) -> None:
            path = self.path.split("?")[0].removeprefix("/v1")
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = server._answer(Recorded(self.command, path, headers, body))
            try:
                if reply.delay and server._stopping.wait(reply.delay):
                    return
                if reply.deltas is not None:
                    self._stream(reply, body or {})
                else:
                    self._send(reply, body or {})
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (a timeout); nothing to do

        def _send(self, reply: Reply, request: dict[str, Any]) -> None:
            data = reply.body
            if reply.content is not None:
                data = _completion(request.get("model", MODEL), reply.content, reply.usage)
            raw = data.encode() if isinstance(data, str) else json.dumps(data).encode()
            self.send_response(reply.status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(raw)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)

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
                self._event(_chunk(model, {"content": delta}, None))
            if reply.finish:
                self._event(_chunk(model, {}, "stop"))
                if (request.get("stream_options") or {}).get("include_usage"):
                    self._event({**_chunk(model, {}, None), "choices": [],
                                 "usage": _usage(reply.usage)})
                self._chunk(b"data: [DONE]\n\n")
            self._chunk(b"")

        def _event(self, data: dict[str, Any]) -> None:
            self._chunk(f"data: {json.dumps(data)}\n\n".encode())

        def _chunk(self, raw: bytes) -> None:
            self.wfile.write(f"{len(raw):x}\r\n".encode() + raw + b"\r\n")
            self.wfile.flush()

    return Handler


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
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
        "usage": _usage(usage),
    }


def _chunk(model: str, delta: dict[str, str], finish: str | None) -> dict[str, Any]:
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
        "base_url": server.base_url, "model": MODEL, "timeout": 2.0, "max_attempts": 3,
        "max_total_seconds": 10.0, "backoff_initial": 0.01, "backoff_max": 0.05,
    }
    return LLMSettings(**{**values, **overrides})
