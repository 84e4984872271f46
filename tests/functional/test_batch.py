"""`mockloop grade --grader llm --batch` against the fake server's /v1/files and /v1/batches: the
batch lines are the live requests, the replies go through the LLM grader's checks, a run survives
an interruption mid-poll, and a failed or expired batch falls back to the offline grader."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simulator.cli import main
from simulator.grading.base import GradeRequest
from simulator.grading.batch_grading import BatchJob, grade_in_batch, state_dir
from simulator.grading.factory import make_llm_grader
from simulator.grading.llm_grader import LLMGrader
from simulator.grading.offline import OfflineGrader
from simulator.llm import LLMSession, batch
from simulator.llm.batch import BatchLine, CapturedRequest, CapturingModel
from tests.fake_openai import MODEL, FakeOpenAI, Recorded, Reply, error, json_reply, settings_for
from tests.support import REPO, run_cli

CHAT = "/chat/completions"
ANSWER_IN = re.compile(r"<<<BEGIN ANSWER (\w+)>>>\n(.*)\n<<<END ANSWER \1>>>", re.DOTALL)
SHEET = """\
rubric: base
rounds:
  - round: bar-raiser
    question: Tell me about a time you owned an outcome beyond your role.
    answer: |
      I owned the returns flow at Cainiao. I decided to refund on courier scan instead of warehouse receipt.
      Refund time went from 9 days to 2 days over eight weeks, per the returns dashboard.
  - round: bar-raiser
    question: Tell me about a time you disagreed with your manager.
    answer: |
      We talked about it as a team. The team felt good about the launch and we shipped it.
  - round: product-sense
    question: Design a product for first-time online sellers in Indonesia.
    answer: |
      I would start with sellers on WhatsApp who lose orders because they track them by hand.
"""


def graded_by_model(recorded: Recorded, score: int = 3) -> Reply:
    """Every signal of the round at `score`, quoting the answer's first sentence."""
    schema = recorded.body["response_format"]["json_schema"]["schema"]
    answer = ANSWER_IN.search(recorded.messages[-1]["content"]).group(2)
    quote = answer.split(".")[0]
    return json_reply(
        {s: {"reasoning": f"{s} judged", "score": score, "evidence": [quote]} for s in schema["properties"]}
    )


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        server.default[CHAT] = graded_by_model
        yield server


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "sheet.yaml"
    path.write_text(SHEET, encoding="utf-8")
    return path


def endpoint(server: FakeOpenAI, model: str = MODEL) -> dict[str, str]:
    return {"OPENAI_BASE_URL": server.base_url, "MOCKLOOP_MODEL": model}


def batch_grade(sheet: Path, *extra: str) -> list[str]:
    return ["grade", str(sheet), "--grader", "llm", "--batch", "--poll-seconds", "0.01", "--format", "json", *extra]


def in_process(
    args: list[str], server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, Any]]:
    """`mockloop ARGS` in this process: its exit code and its JSON document."""
    for name, value in endpoint(server).items():
        monkeypatch.setenv(name, value)
    code = main(args)
    return code, json.loads(capsys.readouterr().out)


def uploaded_lines(server: FakeOpenAI) -> list[dict[str, Any]]:
    [upload] = server.requests_to("/files", "POST")
    return [json.loads(line) for line in upload.body["file"]["content"].decode().splitlines()]


def without_nonce(body: dict[str, Any]) -> str:
    return re.sub(r"(ANSWER|QUESTION) [0-9a-f]{12}>>>", r"\1 nonce>>>", json.dumps(body, sort_keys=True))


# --- the lines are the live requests --------------------------------------------------------------


async def test_a_batch_line_is_the_request_a_live_grade_sends(fake_openai: FakeOpenAI) -> None:
    from simulator.content import load_library

    rubric = load_library().rubric("base")
    request = GradeRequest(
        "bar-raiser",
        "Tell me about a time you owned an outcome.",
        "I decided to cut scope. Conversion rose from 2.1% to 3.4% in six weeks.",
    )
    offline = OfflineGrader()
    live = make_llm_grader(settings_for(fake_openai), fallback=offline)
    await live.grade(request, rubric)
    await live.aclose()
    capturing = LLMGrader(CapturingModel(live.model), template=live.template)
    with pytest.raises(CapturedRequest) as captured:
        await capturing.grade(request, rubric)
    [sent] = fake_openai.requests_to(CHAT)
    assert without_nonce(captured.value.body) == without_nonce(sent.body)
    line = json.loads(BatchLine("sheet.yaml#0", captured.value.body).jsonl())
    assert (line["custom_id"], line["method"], line["url"]) == ("sheet.yaml#0", "POST", "/v1/chat/completions")


async def test_the_fake_batch_moves_through_its_statuses(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    fake_openai.default[CHAT] = json_reply({"ok": True})
    requests = tmp_path / "requests.jsonl"
    body = {"model": MODEL, "messages": [{"role": "user", "content": "hi"}]}
    requests.write_text(BatchLine("a#0", body).jsonl() + "\n", encoding="utf-8")
    async with LLMSession(settings_for(fake_openai)) as session:
        created = await batch.create(session, await batch.upload(session, requests), {"created_by": "test"})
        seen = [created.status]
        while not (status := await batch.retrieve(session, created.id)).finished:
            seen.append(status.status)
        seen.append(status.status)
        assert seen == ["validating", "in_progress", "finalizing", "completed"]
        assert (status.total, status.completed, status.failed) == (1, 1, 0)
        [reply] = (await batch.replies(session, status)).values()
    assert reply.custom_id == "a#0" and reply.error is None
    assert json.loads(reply.body["choices"][0]["message"]["content"]) == {"ok": True}
    [answered] = fake_openai.requests_to(CHAT)
    assert answered.body == body, "the batch ran the uploaded request"


# --- a batch grade --------------------------------------------------------------------------------


def test_a_batch_grade_completes_and_keeps_the_grade_contract(fake_openai: FakeOpenAI, sheet: Path) -> None:
    env = endpoint(fake_openai, "gpt-4.1-mini")
    result = run_cli(*batch_grade(sheet), env=env)
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr, "no progress bar when stderr is not a terminal"
    document = json.loads(result.stdout)
    assert document["batch"]["status"] == "completed"
    assert document["batch"]["request_counts"] == {"total": 3, "completed": 3, "failed": 0}
    assert f"batch {document['batch']['id']} submitted" in result.stderr
    [entry] = document["results"]
    assert entry["source"] == str(sheet) and entry["rubric"] == "base"
    answers = [r.split("answer: |\n")[1] for r in SHEET.split("  - round: ")[1:]]
    for rnd, answer in zip(entry["rounds"], answers, strict=True):
        assert rnd["grader"] == "llm" and isinstance(rnd["flags"], list)
        assert isinstance(rnd["overall"]["score"], int)
        for signal_grade in rnd["signals"].values():
            assert signal_grade["score"] == 3
            assert signal_grade["evidence"] and all(q in " ".join(answer.split()) for q in signal_grade["evidence"])
    lines = uploaded_lines(fake_openai)
    assert [line["custom_id"] for line in lines] == [f"{sheet}#{i}" for i in range(3)]
    assert len(fake_openai.requests_to("/batches", "POST")) == 1
    assert not list(states().glob("*")), "the state file and its JSONL are removed once merged"

    live = run_cli("grade", str(sheet), "--grader", "llm", "--format", "json", env=env)
    live_rounds = json.loads(live.stdout)["results"][0]["rounds"]
    for batched, direct in zip(entry["rounds"], live_rounds, strict=True):
        assert batched["usage"]["cost_usd"] == pytest.approx(direct["usage"]["cost_usd"] / 2), "batch price"
        batched.pop("usage")
        direct.pop("usage")
        assert batched == direct


def test_a_reply_that_fails_the_checks_falls_back_with_the_reason(
    fake_openai: FakeOpenAI, sheet: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def mixed(recorded: Recorded) -> Reply:
        answer = ANSWER_IN.search(recorded.messages[-1]["content"]).group(2)
        if answer.startswith("We talked"):
            return json_reply({"ownership": {"reasoning": "no", "score": 9, "evidence": []}})
        if answer.startswith("I would start"):
            return error(400, "context length exceeded")
        return graded_by_model(recorded)

    fake_openai.default[CHAT] = mixed
    code, document = in_process(batch_grade(sheet), fake_openai, monkeypatch, capsys)
    assert code == 0
    good, invalid, refused = document["results"][0]["rounds"]
    assert good["grader"] == "llm"
    assert invalid["grader"] == "offline-fallback"
    assert "no repair re-ask" in invalid["fallback_reason"]
    assert refused["grader"] == "offline-fallback"
    assert "HTTP 400" in refused["fallback_reason"] and "context length exceeded" in refused["fallback_reason"]
    assert len(fake_openai.requests_to(CHAT)) == 3, "nothing is re-asked outside the batch"


def test_a_failed_batch_falls_back_to_offline_with_the_reason(
    fake_openai: FakeOpenAI, sheet: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_openai.batch_statuses = ["validating", "failed"]
    fake_openai.batch_failure = "model fake-model is not available for batch"
    code, document = in_process(batch_grade(sheet), fake_openai, monkeypatch, capsys)
    assert code == 0
    assert document["batch"]["status"] == "failed"
    for rnd in document["results"][0]["rounds"]:
        assert rnd["grader"] == "offline-fallback"
        assert "failed" in rnd["fallback_reason"] and "not available for batch" in rnd["fallback_reason"]
        assert all(isinstance(s["score"], int) for s in rnd["signals"].values())
    assert not fake_openai.requests_to(CHAT)


def test_an_expired_batch_keeps_what_it_answered(
    fake_openai: FakeOpenAI, sheet: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_openai.batch_statuses = ["validating", "in_progress", "expired"]
    _, document = in_process(batch_grade(sheet), fake_openai, monkeypatch, capsys)
    rounds = document["results"][0]["rounds"]
    assert [r["grader"] for r in rounds] == ["llm", "offline-fallback", "offline-fallback"]
    assert "batch_expired" in rounds[1]["fallback_reason"]


# --- interruption and resumption ------------------------------------------------------------------


def states() -> Path:
    """The batch state folder of the transcripts dir the tests' environment names."""
    return state_dir(Path(os.environ["MOCKLOOP_TRANSCRIPTS"]))


def test_a_killed_run_is_resumed_by_running_it_again(
    fake_openai: FakeOpenAI, sheet: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The transcripts dir set in the config file (not the environment) holds the batch state."""
    not_there = states()
    monkeypatch.delenv("MOCKLOOP_TRANSCRIPTS")
    transcripts = tmp_path / "my-transcripts"
    config = Path(os.environ["MOCKLOOP_CONFIG_DIR"]) / "config.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"transcripts: {transcripts}\n")
    fake_openai.hold_batches = True
    env = {**os.environ, **endpoint(fake_openai)}
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", *batch_grade(sheet)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while len(fake_openai.requests_to("/batches/{id}")) < 3:
            assert process.poll() is None, f"the run ended before it polled: {process.stderr.read()}"
            assert time.monotonic() < deadline, "the batch was never polled"
            time.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate()
    [state] = state_dir(transcripts).glob("*.json")
    assert json.loads(state.read_text())["batch_id"] == "batch_1"
    assert state.stat().st_mode & 0o777 == 0o600
    assert not not_there.exists(), "nothing in the default transcripts dir"

    fake_openai.hold_batches = False
    result = run_cli(*batch_grade(sheet), env=endpoint(fake_openai))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["batch"] == {
        "id": "batch_1",
        "status": "completed",
        "request_counts": {"total": 3, "completed": 3, "failed": 0},
    }
    assert [r["grader"] for r in document["results"][0]["rounds"]] == ["llm"] * 3
    assert len(fake_openai.requests_to("/batches", "POST")) == 1, "no second batch"
    assert len(fake_openai.requests_to("/files", "POST")) == 1, "no second upload"
    assert not state.exists()


async def _interrupted_batch(server: FakeOpenAI, sheet: Path) -> str:
    from simulator.services.inputs import load_input

    loaded = load_input(sheet)
    from simulator.content import load_library

    rubric = load_library().rubric("base")
    jobs = [BatchJob(str(sheet), i, request, rubric) for i, request in enumerate(loaded.requests)]
    grader = make_llm_grader(settings_for(server), fallback=OfflineGrader())
    submitted: list[str] = []

    def interrupt(status: batch.BatchStatus) -> None:
        if status.status == "in_progress":
            raise KeyboardInterrupt

    try:
        with pytest.raises(KeyboardInterrupt):
            await grade_in_batch(
                grader,
                jobs,
                state_path=states() / "mine.json",
                states=states(),
                poll_seconds=0.01,
                on_submitted=lambda batch_id, _: submitted.append(batch_id),
                on_progress=interrupt,
            )
    finally:
        await grader.aclose()
    return submitted[0]


def test_an_interrupted_poll_is_resumed_by_batch_id(
    fake_openai: FakeOpenAI, sheet: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    batch_id = asyncio.run(_interrupted_batch(fake_openai, sheet))
    assert json.loads((states() / "mine.json").read_text())["batch_id"] == batch_id
    code, document = in_process(batch_grade(sheet, "--batch-id", batch_id), fake_openai, monkeypatch, capsys)
    assert code == 0
    assert document["batch"]["id"] == batch_id and document["batch"]["status"] == "completed"
    assert [r["grader"] for r in document["results"][0]["rounds"]] == ["llm"] * 3
    assert len(fake_openai.requests_to("/batches", "POST")) == 1
    assert not (states() / "mine.json").exists(), "the state the batch id named is cleared"

    code, again = in_process(batch_grade(sheet, "--batch-id", batch_id), fake_openai, monkeypatch, capsys)
    assert code == 0 and again["results"] == document["results"], "a finished batch can be fetched again"
    assert len(fake_openai.requests_to("/batches", "POST")) == 1


def test_batch_needs_the_llm_grader(sheet: Path) -> None:
    result = run_cli("grade", str(sheet), "--batch")
    assert result.returncode == 2 and "--grader llm" in result.stderr
