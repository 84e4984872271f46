"""No secret reaches a screen or a file, and every folder and file mockloop writes is private."""

import io
import stat
from pathlib import Path

import pytest

from simulator.redaction import REDACTED, RedactingStream, redact, redact_bytes, register
from simulator.store.final import atomic_write
from simulator.store.journal import ensure_private_dir

KEY = "test-KEY-0123456789abcdef"


def test_the_configured_key_is_redacted_from_env_and_config_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import simulator.redaction as redaction

    monkeypatch.setattr(redaction, "CHECK_EVERY_S", 0.0)  # look at the config file on every call
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    assert redact(f"Incorrect API key provided: {KEY}.") == f"Incorrect API key provided: {REDACTED}."
    monkeypatch.delenv("OPENAI_API_KEY")
    config = tmp_path / "config"
    monkeypatch.setenv("MOCKLOOP_CONFIG_DIR", str(config))
    config.mkdir()
    (config / "config.yaml").write_text("llm:\n  api_key: cfg-SECRET-value-42\n")
    assert redact("401: cfg-SECRET-value-42 is wrong") == f"401: {REDACTED} is wrong"
    (config / "config.yaml").write_text("llm:\n  api_key: other-SECRET-value-4242\n")  # read again once changed
    assert REDACTED in redact("other-SECRET-value-4242")


def test_key_shapes_bearer_tokens_and_url_passwords_are_redacted_whoever_they_belong_to() -> None:
    assert redact("bad key sk-proj-AbCdEf0123456789xyz here") == f"bad key {REDACTED} here"
    assert redact("Authorization: Bearer eyJhbGciOi.J9x_y") == f"Authorization: Bearer {REDACTED}"
    assert redact("https://ann:hunter2pass@proxy.example/v1") == f"https://ann:{REDACTED}@proxy.example/v1"
    assert redact("x\nBEARER  abcdefgh12") == f"x\nBEARER  {REDACTED}"  # any case, past the quick check
    plain = "Refund time went from 9 days to 2 days; ask-me-anything; https://example.com/a:b"
    assert redact(plain) == plain


def test_registered_secrets_and_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    register("flag-given-secret-77")
    register("x")  # too short to be a secret: never redacts every x
    assert redact("x flag-given-secret-77") == f"x {REDACTED}"
    assert redact_bytes(b'{"e": "flag-given-secret-77 \xff"}') == b'{"e": "[redacted] \xff"}'


def test_a_redacting_stream_redacts_what_is_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    out = io.StringIO()
    stream = RedactingStream(out)
    print(f"error: {KEY[:5]}", end="", file=stream)  # a key written in pieces is still redacted whole
    print(KEY[5:], file=stream)
    stream.writelines([KEY, "\n"])
    stream.flush()
    assert out.getvalue() == f"error: {REDACTED}\n{REDACTED}\n" and stream.getvalue() == out.getvalue()


def test_a_line_buffered_stream_passes_each_line_on_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)

    class Terminal(io.StringIO):
        line_buffering = True

    out = Terminal()
    stream = RedactingStream(out)
    print(f"batch created; {KEY}", file=stream)
    assert out.getvalue() == f"batch created; {REDACTED}\n"
    stream.write("> (end with '.')")
    assert out.getvalue().endswith(REDACTED + "\n")  # no newline yet: waits for the line, or a flush
    stream.flush()
    assert out.getvalue().endswith("> (end with '.')")


def test_written_files_are_redacted_and_private(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    target = tmp_path / "a" / "b" / "c" / "report.json"
    atomic_write(target, f'{{"reason": "HTTP 401: {KEY}"}}'.encode())
    assert KEY not in target.read_text() and REDACTED in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    for folder in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder  # parents created private too


def test_a_new_config_dir_is_private(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from simulator.grading.calibration import save_calibration

    config = tmp_path / "home" / ".config" / "mockloop"
    monkeypatch.setenv("MOCKLOOP_CONFIG_DIR", str(config))
    path = save_calibration({"rubric": "base", "signals": {}})
    for item in (config, config.parent, path.parent):
        assert stat.S_IMODE(item.stat().st_mode) == 0o700, item
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    config.chmod(0o755)  # made by an older mockloop
    save_calibration({"rubric": "base", "signals": {}})
    assert stat.S_IMODE(config.stat().st_mode) == 0o700


def test_ensure_private_dir_leaves_existing_parents_alone(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    ensure_private_dir(tmp_path / "transcripts")
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "transcripts").stat().st_mode) == 0o700


def test_the_command_redacts_its_output_and_leaves_the_streams_as_they_were(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import sys

    from simulator.cli import main

    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("MOCKLOOP_TRANSCRIPTS", str(tmp_path / KEY))  # a path the command prints
    before = sys.stdout, sys.stderr
    assert main(["transcripts", "list"]) == 0
    assert (sys.stdout, sys.stderr) == before
    out = capsys.readouterr().out
    assert KEY not in out and REDACTED in out
