"""The offline grade of what the candidate said, computed once per answer off the event loop.

The engine asks for it after every answer; the scripted interviewer's probe choice, the offline
fallback and (with the offline grader) the round's grade all take the same result.
"""

import asyncio
import threading
from collections import OrderedDict

from simulator.domain import RoundGrade, Rubric
from simulator.grading.base import GradeRequest
from simulator.grading.offline import grade_offline

KEPT = 32
"""Grades remembered per session: the current question's and the rounds still being graded."""


class OfflineEvidence:
    name = "offline"

    def __init__(self) -> None:
        self._grades: OrderedDict[tuple[GradeRequest, str], RoundGrade] = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0
        """How many grades were computed (the rest were shared)."""

    async def grade(self, request: GradeRequest, rubric: Rubric) -> RoundGrade:
        return await asyncio.to_thread(self._grade, request, rubric)

    def _grade(self, request: GradeRequest, rubric: Rubric) -> RoundGrade:
        key = (request, rubric.id)
        with self._lock:  # one grade at a time: a second ask for the same answer waits and shares it
            if key in self._grades:
                self._grades.move_to_end(key)
                return self._grades[key]
            grade = grade_offline(request, rubric)
            self.computed += 1
            self._grades[key] = grade
            if len(self._grades) > KEPT:
                self._grades.popitem(last=False)
            return grade
