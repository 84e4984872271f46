"""LLM faults suite: one `mockloop grade --grader llm` over many rounds against a server that
misbehaves on about a third of its requests.

Faults, drawn per request from a seeded mix: malformed JSON, 429 with Retry-After, 500 and 503,
an answer slower than the timeout, a reply trickled past the deadline, empty `choices`, a 200 whose
body is an error, an HTML page, a refusal, a score outside 1-4, invented quotes, and replies that are
valid but shaped as several compatible servers shape them (content as a list of parts).
Figures (goals): tracebacks 0; rounds without a grade 0; invented quotes kept 0; fallbacks without a
reason 0; every trickled request is hung up on by its deadline; the run ends within a bound of its ideal time.
"""

import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from tests.fake_openai import FakeOpenAI, Recorded, Reply, chat_reply, error, html_page, invalid_json, json_reply

REPO = Path(__file__).resolve().parents[2]
QUICK, FULL = 40, 500
KEY = "sk-faults-0123456789abcdef"
TIMEOUT, DEADLINE = 1.0, 3.0
"""Seconds per read and per request (all attempts), as the config file sets them."""
TRICKLE_EVERY = 0.3
"""A trickled reply sends 4 bytes this often: every read is in time, the whole reply never is."""
ANSWERS = (
    "At Cainiao I owned the returns flow for Tmall Global buyers. I interviewed 10 buyers in Shanghai who "
    "could not trust refunds. I decided to refund on courier scan. Finance objected, so I wrote a one-pager "
    "and we agreed on a pilot. Refund time went from 9 days to 2 days over eight weeks.",
    "I helped with the project and it went fine. The team was happy with the launch.",
    "I ran the Prime Video sign-up test. Trial starts rose from 3.1% to 3.6% in four weeks; I convinced the "
    "payments team to ship the one-click flow first by lending them two of my engineers.",
)
FAULTS: tuple[tuple[str, float], ...] = (
    ("ok", 0.55),
    ("ok-parts", 0.10),
    ("malformed", 0.04),
    ("429", 0.05),
    ("500", 0.04),
    ("503", 0.03),
    ("slow", 0.02),
    ("trickle", 0.02),
    ("empty-choices", 0.03),
    ("error-body", 0.03),
    ("html", 0.03),
    ("refusal", 0.02),
    ("score-out-of-range", 0.02),
    ("invented-quotes", 0.02),
)


class FaultMix:
    """The server's answer to each chat request: a valid grade for the answer it was sent, or a fault."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.drawn: dict[str, int] = {}
        self.signals: list[str] = []
        self.trickled: list[Recorded] = []
        """Requests answered a byte at a time: the client must hang up on them by its deadline."""

    def __call__(self, request: Recorded) -> Reply:
        with self.lock:
            fault = self.rng.choices([f for f, _ in FAULTS], [w for _, w in FAULTS])[0]
            self.drawn[fault] = self.drawn.get(fault, 0) + 1
            if fault == "trickle":
                self.trickled.append(request)
            signals = self._signals(request)
        answer = _answer_in(request)
        if fault in ("ok", "ok-parts", "score-out-of-range", "invented-quotes"):
            first = answer.split(". ")[0]
            reply = {s: {"reasoning": f"{s}: evidence weighed", "score": 3, "evidence": [first]} for s in signals}
            if fault == "score-out-of-range":
                reply[signals[0]]["score"] = 7
            if fault == "invented-quotes":
                for value in reply.values():
                    value["evidence"] = ["I single-handedly tripled revenue in a week."]
            if fault == "ok-parts":
                text = json.dumps(reply)
                half = len(text) // 2
                parts = [{"type": "text", "text": text[:half]}, {"type": "text", "text": text[half:]}]
                return chat_reply({"role": "assistant", "content": parts})
            return json_reply(reply)
        return {
            "malformed": lambda: invalid_json(),
            "429": lambda: error(429, "Rate limit reached", {"retry-after": "0"}),
            "500": lambda: error(500, "internal error"),
            "503": lambda: error(503, "overloaded"),
            "slow": lambda: Reply(content="{}", delay=TIMEOUT * 3),
            "trickle": lambda: Reply(content=json.dumps({"x": "y" * 400}), trickle=TRICKLE_EVERY, trickle_bytes=4),
            "empty-choices": lambda: chat_reply({"role": "assistant", "content": ""}, choices=[]),
            "error-body": lambda: Reply(body={"error": {"message": "upstream model crashed", "type": "server_error"}}),
            "html": lambda: html_page(),
            "refusal": lambda: chat_reply({"role": "assistant", "content": None, "refusal": "I can't help with that."}),
        }[fault]()

    def _signals(self, request: Recorded) -> list[str]:
        """The round's signals from the reply schema asked for (remembered for JSON-mode requests)."""
        schema = ((request.body.get("response_format") or {}).get("json_schema") or {}).get("schema")
        if schema:
            self.signals = list(schema["properties"])
        return self.signals or ["ownership"]


def _answer_in(request: Recorded) -> str:
    prompt = "\n".join(str(m.get("content", "")) for m in request.messages)
    return next((a for a in ANSWERS if a[:40] in prompt), ANSWERS[0])


def test_a_run_against_a_misbehaving_server_grades_every_round_and_keeps_no_invented_quote(
    tmp_path: Path, reliability
) -> None:
    full, record = reliability
    rounds = FULL if full else QUICK
    sheet = tmp_path / "sheet.yaml"
    rows = [
        {
            "round": "bar-raiser",
            "question": f"Tell me about a time you owned an outcome beyond your role. (#{i})",
            "answer": ANSWERS[i % len(ANSWERS)],
        }
        for i in range(rounds)
    ]
    sheet.write_text(json.dumps({"rubric": "base", "rounds": rows}))  # JSON is YAML
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.yaml").write_text(
        f"llm:\n  timeout: {TIMEOUT}\n  max_total_seconds: {DEADLINE}\n  max_attempts: 3\n"
        "  backoff_initial: 0.05\n  backoff_max: 0.2\n"
    )
    mix = FaultMix(seed=20261202)
    with FakeOpenAI() as server:
        server.default["/chat/completions"] = mix
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MOCKLOOP_"))}
        env |= {
            "OPENAI_API_KEY": KEY,
            "OPENAI_BASE_URL": server.base_url,
            "MOCKLOOP_CONFIG_DIR": str(config),
            "MOCKLOOP_TRANSCRIPTS": str(tmp_path / "transcripts"),
            "PYTHONPATH": str(REPO),
        }
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "simulator", "grade", str(sheet), "--grader", "llm", "--no-hints"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        wall = time.monotonic() - started
        requests = server.requests_to("/chat/completions")

    graded = [r for result in json.loads(done.stdout)["results"] for r in result["rounds"]] if done.stdout else []
    by_grader: dict[str, int] = {}
    for grade in graded:
        by_grader[grade["grader"]] = by_grader.get(grade["grader"], 0) + 1
    invented = [
        quote
        for grade, row in zip(graded, rows, strict=False)
        if grade["grader"] == "llm"
        for signal in grade["signals"].values()
        for quote in signal.get("evidence", [])
        if _quote_text(quote) not in row["answer"]
    ]
    fallbacks = [g for g in graded if g["grader"] == "offline-fallback"]
    reasons: dict[str, int] = {}
    for grade in fallbacks:
        reason = (grade.get("fallback_reason") or "")[:50]
        reasons[reason] = reasons.get(reason, 0) + 1
    unexplained = [g for g in fallbacks if not g.get("fallback_reason")]
    # a trickled reply would take ~40 s; the server notices the hang-up at its next write, 0.3 s later
    held = [(r.ended or time.monotonic()) - r.at for r in mix.trickled]
    past_deadline = [round(h, 2) for h in held if h > DEADLINE + TRICKLE_EVERY + 0.5]
    # the run's ideal time: every request once, C at a time, at the server's own pace (near zero here);
    # the bound allows every round its whole deadline once, C at a time, plus start-up
    bound = 10 + rounds / 8 * DEADLINE
    record(
        "llm_faults",
        {
            "rounds": rounds,
            "requests": len(requests),
            "faults_drawn": dict(sorted(mix.drawn.items())),
            "graded_by": by_grader,
            "invented_quotes_kept": len(invented),
            "fallback_reasons": reasons,
            "fallbacks_without_reason": len(unexplained),
            "trickled_requests": len(held),
            "longest_trickled_s": round(max(held, default=0.0), 2),
            "requests_past_deadline": len(past_deadline),
            "wall_s": round(wall, 1),
            "wall_bound_s": round(bound, 1),
        },
    )
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(graded) == rounds, "every round has a grade"
    assert not invented, invented[:3]
    assert not unexplained
    assert not past_deadline, past_deadline
    assert by_grader.get("llm", 0) >= rounds * 0.6, by_grader  # retries recover most faults
    assert wall < bound
    assert KEY not in done.stdout + done.stderr


def _quote_text(quote: Any) -> str:
    return quote if isinstance(quote, str) else quote.get("quote", "")
