"""Interviewers decide the follow-ups: scripted (offline default) and LLM, behind one interface."""

from simulator.interviewer.base import Followup, FollowupContext, Interviewer
from simulator.interviewer.scripted import ScriptedInterviewer

__all__ = ["Followup", "FollowupContext", "Interviewer", "ScriptedInterviewer"]
