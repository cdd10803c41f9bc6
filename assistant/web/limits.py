"""Bounds on the work one web client can cause: a rate limit per key, a fair gate in front of the
answerer (a few answers computed at once, the least-served client first), and a pause after failed
logins. All in memory and per process: they protect this process's CPU, not a cluster."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

_MAX_KEYS = 50_000  # clients remembered; the oldest are forgotten first, so memory stays bounded
_USAGE_HALF_LIFE_S = 60.0


class Refused(Exception):
    """A request this client may not make now; the message is shown to the user as is."""


class RateLimiter:
    """At most `per_window` events per key in any `window_s` seconds (a sliding window)."""

    def __init__(self, per_window: int, window_s: float) -> None:
        self.per_window = per_window
        self.window_s = window_s
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait_needed(self, key: str, now: float | None = None) -> float:
        """Seconds until `key` may act again (0: it may now, and the event is counted)."""
        if self.per_window <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._recent(key, now)
            if len(events) >= self.per_window:
                return max(0.1, events[0] + self.window_s - now)
            events.append(now)
            return 0.0

    def blocked_for(self, key: str, now: float | None = None) -> float:
        """Seconds `key` is still blocked, without counting an event."""
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._recent(key, now)
            return max(0.1, events[0] + self.window_s - now) if len(events) >= self.per_window else 0.0

    def record(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._recent(key, now).append(now)

    def _recent(self, key: str, now: float) -> deque[float]:
        events = self._events.pop(key, None) or deque()
        while events and events[0] <= now - self.window_s:
            events.popleft()
        self._events[key] = events  # most recently used last
        while len(self._events) > _MAX_KEYS:
            self._events.popitem(last=False)
        return events


class _Usage:
    """Seconds of answering each key caused recently, decaying with a half-life of a minute."""

    def __init__(self) -> None:
        self._seconds: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def get(self, key: str, now: float) -> float:
        seconds, since = self._seconds.get(key, (0.0, now))
        return seconds * 0.5 ** ((now - since) / _USAGE_HALF_LIFE_S)

    def add(self, key: str, seconds: float, now: float) -> None:
        total = self.get(key, now) + seconds
        self._seconds.pop(key, None)
        self._seconds[key] = (total, now)
        while len(self._seconds) > _MAX_KEYS:
            self._seconds.popitem(last=False)


@dataclass(eq=False)
class _Waiter:
    ticket: int
    session_key: str
    address_key: str
    turn: threading.Event = field(default_factory=threading.Event)
    admitted: bool = False


class FairGate:
    """At most `slots` answers computed at once. When a slot frees, the waiting request whose session
    and address used the least answering time lately goes next, so a client that floods waits behind
    everyone else instead of filling every slot. Only that request is woken (fifty waiting threads
    all waking to compete for the interpreter lock would starve the server's event loop). Requests
    past a session's or an address's in-flight cap, or waiting longer than `wait_s`, are refused."""

    def __init__(self, slots: int, wait_s: float, per_session: int, per_address: int) -> None:
        self.slots = max(1, slots)
        self.wait_s = wait_s
        self.per_session = max(1, per_session)
        self.per_address = max(1, per_address)
        self._lock = threading.Lock()
        self._running = 0
        self._waiting: list[_Waiter] = []
        self._tickets = 0
        self._in_flight: dict[str, int] = {}
        self._usage = _Usage()

    @contextmanager
    def slot(self, session: str, address: str) -> Iterator[None]:
        waiter = self._arrive(f"s:{session}", f"a:{address}")
        if not waiter.admitted:
            waiter.turn.wait(self.wait_s)
            with self._lock:
                if not waiter.admitted:
                    self._waiting.remove(waiter)
                    self._leave(waiter.session_key)
                    self._leave(waiter.address_key)
                    raise Refused("The assistant is busy; please ask again in a moment.")
        started = time.monotonic()
        try:
            yield
        finally:
            with self._lock:
                now = time.monotonic()
                for key in (waiter.session_key, waiter.address_key):
                    self._usage.add(key, now - started, now)
                    self._leave(key)
                self._running -= 1
                self._admit_next()

    def _arrive(self, session_key: str, address_key: str) -> _Waiter:
        with self._lock:
            self._enter(session_key, self.per_session, "this conversation already has a question being answered")
            try:
                self._enter(address_key, self.per_address, "too many questions from your address at once")
            except Refused:
                self._leave(session_key)
                raise
            self._tickets += 1
            waiter = _Waiter(self._tickets, session_key, address_key)
            self._waiting.append(waiter)
            self._admit_next()
            return waiter

    def _admit_next(self) -> None:
        """Hand free slots to the waiters whose session and address used the least answering time,
        as of now (usage taken at arrival would favour whoever arrived before a flood built up)."""
        now = time.monotonic()
        while self._running < self.slots and self._waiting:
            best = min(self._waiting, key=lambda w: (self._usage.get(w.session_key, now) +
                                                     self._usage.get(w.address_key, now), w.ticket))  # fmt: skip
            self._waiting.remove(best)
            best.admitted = True
            self._running += 1
            best.turn.set()

    def _enter(self, key: str, cap: int, message: str) -> None:
        if self._in_flight.get(key, 0) >= cap:
            raise Refused(f"Please wait: {message}.")
        self._in_flight[key] = self._in_flight.get(key, 0) + 1

    def _leave(self, key: str) -> None:
        left = self._in_flight.get(key, 1) - 1
        if left:
            self._in_flight[key] = left
        else:
            self._in_flight.pop(key, None)


ASGIApp = Callable[[MutableMapping[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
                   Awaitable[None]]  # fmt: skip


class LoginThrottle:
    """ASGI middleware: after `failures` failed logins from one address within `window_s`, every
    login from it is answered 429 until the window has passed (correct passwords included, so
    guessing cannot go on at full speed)."""

    def __init__(self, app: ASGIApp, failures: int = 5, window_s: float = 300.0) -> None:
        self.app = app
        self.failures = RateLimiter(failures, window_s)

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[Any]],
        send: Callable[[Any], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST" or not _is_login(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        address = (scope.get("client") or ("unknown", 0))[0]
        blocked = self.failures.blocked_for(address)
        if blocked:
            await _send_json(send, 429, {"detail": f"Too many failed logins; try again in {blocked:.0f} s."})
            return

        async def watch(message: Any) -> None:
            if message["type"] == "http.response.start" and message["status"] in {400, 401, 403}:
                self.failures.record(address)
            await send(message)

        await self.app(scope, receive, watch)


def _is_login(path: str) -> bool:
    return path.rstrip("/").endswith("/login")


async def _send_json(send: Callable[[Any], Awaitable[None]], status: int, body: dict[str, str]) -> None:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})
