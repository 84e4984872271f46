"""Interviewers that stand in for the LLM one in tests of the engine and the app (no tests here)."""

from simulator.interviewer import FollowupContext, ScriptedInterviewer
from simulator.interviewer.base import Followup, TokenSink


class FlakyInterviewer:
    """An LLM interviewer whose endpoint always fails: its scripted stand-in asks every follow-up."""

    name = "llm"

    def __init__(self) -> None:
        self.fallback = ScriptedInterviewer()
        self.failures: list[str] = []

    async def followup(self, context: FollowupContext, on_token: TokenSink | None = None) -> Followup | None:
        self.failures.append("HTTP 500 from the endpoint")
        return await self.fallback.followup(context, on_token)
