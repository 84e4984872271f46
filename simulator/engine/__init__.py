"""Runs a loop round by round, independent of any screen: the TUI, plain mode and tests drive it."""

from simulator.engine.session import EmptyAnswer, Prompt, Session, SessionError

__all__ = ["EmptyAnswer", "Prompt", "Session", "SessionError"]
