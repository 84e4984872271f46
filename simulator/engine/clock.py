"""A round's clock: active time only (pauses excluded), from a monotonic source."""

import time
from collections.abc import Callable


class RoundClock:
    def __init__(self, limit_seconds: float, used: float = 0.0, now: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit_seconds
        self._used = used
        self._now = now
        self._since: float | None = None

    def start(self) -> None:
        if self._since is None:
            self._since = self._now()

    def pause(self) -> None:
        if self._since is not None:
            self._used += self._now() - self._since
            self._since = None

    @property
    def running(self) -> bool:
        return self._since is not None

    @property
    def used(self) -> float:
        return self._used + (self._now() - self._since if self._since is not None else 0.0)

    @property
    def left(self) -> float:
        """Seconds left; negative once the round runs over."""
        return self.limit - self.used

    @property
    def overran(self) -> bool:
        return self.used > self.limit
