"""Plain mode: a loop on stdin/stdout, for screen readers, scripts and CI.

An answer is the text up to a line that is exactly `.`; a line `/skip` skips the question; end
of input stops the loop with everything saved (resume it with `mockloop resume ID --plain`). Follow-ups
are printed word by word as the interviewer speaks them.
"""

import asyncio
import sys
import threading
from collections.abc import Callable
from typing import TextIO, TypeVar

from simulator.domain import Debrief, Transcript
from simulator.engine import Prompt, Session, SessionError
from simulator.store import Event, FallbackUsed

T = TypeVar("T")

END, SKIP = ".", "/skip"


class PlainRunner:
    def __init__(
        self, session: Session, read_line: Callable[[], str], out: TextIO, resume_command: str | None = None
    ) -> None:
        self.session, self._read_line, self.out = session, read_line, out
        self.resume_command = resume_command or f"mockloop resume {session.id} --plain"
        """What the end-of-input hint tells to type (with the transcripts dir the run was given)."""
        self._streamed: str | None = None
        """The follow-up printed so far as it streamed in, until its prompt is shown."""
        self._typed: list[str] = []
        """Lines of the answer being typed."""

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    async def run(self) -> int:
        s = self.session
        self.say(f"mockloop: {s.loop.title} ({len(s.loop.rounds)} rounds, {s.loop.minutes} min); session {s.id}")
        self.say(
            f"Grader: {s.grader.name}; interviewer: {s.interviewer.name}. "
            "End each answer with a line that is just '.'; '/skip' skips."
        )
        stop = s.subscribe(self._on_event)
        try:
            return await self._loop()
        except SessionError as exc:
            await s.close(wait_for_grading=False)
            print(f"mockloop: {exc}", file=sys.stderr)
            return 1
        except asyncio.CancelledError:  # Ctrl-C: keep the lines typed so far, then stop
            partial = "\n".join(self._typed)
            if partial.strip() and s.current is not None:
                await s.submit(partial)
            await s.close(wait_for_grading=False)
            self._stopped("Interrupted")
            raise
        finally:
            stop()

    def _on_event(self, event: Event) -> None:
        if isinstance(event, FallbackUsed) and event.role == "interviewer":  # the grader's are listed at the end
            self.say(f"\nnote: {event.reason}; it stands aside for the rest of this session.")

    async def _loop(self) -> int:
        s = self.session
        prompt = await s.begin(self._on_token)
        if prompt is not None and prompt.kind == "followup":  # resumed at a follow-up: first the question it follows
            self._show_question_of(prompt)
        while prompt is not None:
            self._show(prompt)
            answer, ended = await _in_daemon_thread(self._read_answer)
            if ended:
                if answer.strip():
                    await s.submit(answer)  # what was typed before the input ended is kept
                await s.close()
                return self._stopped()
            if answer == SKIP:
                prompt = await s.skip(self._on_token)
            elif not answer.strip():
                self.say("(The answer is empty: type an answer, or /skip.)")
                continue
            else:
                prompt = await s.submit(answer, self._on_token)
        self.say("\nGrading the rounds...")
        debrief = await s.finish()
        self.say(render_results(s.transcript, debrief))
        for problem in s.grading_errors:
            self.say(f"warning: {problem}")
        self.say(f"\nSaved: {s.directory / (s.id + '.json')}")
        return 0

    def _on_token(self, text: str) -> None:
        if self._streamed is None:
            current = self.session.current
            self.say(f"\n-- Follow-up{f' {current.followup_number + 1}' if current else ''} --")
            self._streamed = ""
        self._streamed += text
        self.out.write(text)
        self.out.flush()

    def _show(self, prompt: Prompt) -> None:
        streamed, self._streamed = self._streamed, None
        replaced = streamed is not None and streamed.split() != prompt.text.split()
        if streamed is not None:
            self.say(" ..." if replaced else "")  # end the line the follow-up streamed on
        if prompt.kind == "question":
            self.say(self._round_line(prompt))
        elif streamed is None:
            self.say(f"\n-- Follow-up {prompt.followup_number} --")
        clock = self.session.clock()
        if clock is not None and clock.overran:
            self.say(f"(Over time by {int(-clock.left // 60)} min {int(-clock.left % 60)} s.)")
        if streamed is None or replaced:
            self.say(prompt.text)  # not streamed, or the interviewer replaced what it had begun to say
        self.say("> (end with '.')")

    def _show_question_of(self, prompt: Prompt) -> None:
        turns = self.session.transcript.rounds[prompt.round_index].turns
        question = next((t.text for t in reversed(turns) if t.kind == "question"), None)
        self.say(self._round_line(prompt))
        if question is not None:
            self.say(question)

    @staticmethod
    def _round_line(prompt: Prompt) -> str:
        return (
            f"\n== Round {prompt.round_index + 1} of {prompt.round_count}: {prompt.round_title} "
            f"({prompt.minutes} min) - question {prompt.question_number} of {prompt.question_count} =="
        )

    def _read_answer(self) -> tuple[str, bool]:
        """(text up to a '.' line, or '/skip'; whether the input ended before the '.').

        The lines are kept on the runner as they come, so an interrupted answer is not lost."""
        self._typed = []
        while True:
            line = self._read_line()
            if line == "":
                return "\n".join(self._typed), True
            line = line.rstrip("\n").rstrip("\r")
            if line.strip() == END:
                return "\n".join(self._typed), False
            if line.strip() == SKIP and not self._typed:
                return SKIP, False
            self._typed.append(line)

    def _stopped(self, why: str = "End of input") -> int:
        s = self.session
        self.say(f"\n{why}: stopped. Everything you submitted is saved in session {s.id}.")
        self.say(f"Resume with: {self.resume_command}")
        return 0


async def _in_daemon_thread(read: Callable[[], T]) -> T:
    """Run a blocking read on a daemon thread: unlike `asyncio.to_thread`, Ctrl-C does not wait for it."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if done.done():
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)  # type: ignore[arg-type]

    def work() -> None:
        try:
            result = read()
        except BaseException as exc:  # handed to the waiting coroutine
            loop.call_soon_threadsafe(settle, None, exc)
        else:
            loop.call_soon_threadsafe(settle, result, None)

    threading.Thread(target=work, daemon=True).start()
    return await done


def render_results(transcript: Transcript, debrief: Debrief) -> str:
    lines = ["", "== Grades =="]
    for record in transcript.rounds:
        if record.grade is None:
            lines.append(f"{record.title}: not graded")
            continue
        g = record.grade
        over = " (over time)" if record.overran else ""
        lines.append(f"\n{record.title}: {g.overall.score} {g.overall.label} [{g.grader}]{over}")
        if g.flags:
            lines.append(f"  flags: {', '.join(g.flags)}")
        for signal_id, sg in g.signals.items():
            quote = f' - "{sg.evidence[0]}"' if sg.evidence else ""
            lines.append(f"  {signal_id}: {sg.score}{quote}")
    verdict = "HIRE" if debrief.decision == "hire" else "NO HIRE"
    lines += ["", f"== Debrief: {verdict} ==", debrief.rule]
    if debrief.fixes:
        lines.append("\nThe fixes that matter most:")
        for i, fix in enumerate(debrief.fixes, 1):
            lines.append(f"{i}. {fix.name}: {fix.why}")
            for quote in fix.quotes:
                lines.append(f'   You said: "{quote}"')
            if fix.next_level:
                lines.append(f"   Next level: {fix.next_level}")
    return "\n".join(lines)
