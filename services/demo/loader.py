"""``load_demo`` — builds the demo caseload through the agencies' own HTTP APIs.

Nothing here writes a store: every fact enters as the command a case worker's system
would send, so the outbox, the bus and the coordination service carry it like any other.
"""

from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
import msgspec

from adapters.auth.principal import Role
from adapters.auth.tokens import auth_headers
from services.demo.caseload import caseload
from services.demo.catalogue import catalogue_bodies
from services.demo.story import Step, Story
from services.settings import Settings

AGENCIES = ("kommun", "af", "fk", "region")
HAND_OFF_WAIT_SECONDS = 15.0
DEFAULT_SEED = 2026


class DemoSummary(msgspec.Struct, kw_only=True):
    persons: int
    skipped: int  # already loaded in this data dir (the kommun answered 409 on inskrivning)
    requests: int
    failures: list[str]
    seconds: float


class DemoLoadError(RuntimeError):
    """A step the agencies refused; the plan and the services disagree."""


class _Progress:
    """A counter line on stderr, rewritten in place."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self._lock = threading.Lock()

    def tick(self) -> None:
        with self._lock:
            self.done += 1
            end = "\n" if self.done == self.total else ""
            print(f"\rdemo: {self.done}/{self.total} persons", end=end, file=sys.stderr,
                  flush=True)


class _Loader:
    def __init__(self, settings: Settings) -> None:
        self.clients = {
            agency: httpx.Client(
                base_url=settings.url_of(agency), timeout=30.0,
                headers=auth_headers(settings, agency, Role.SYSTEM, subject="demo-loader"),
            )
            for agency in AGENCIES
        }
        self.requests = 0
        self.failures: list[str] = []
        self.skipped = 0
        self._lock = threading.Lock()

    def close(self) -> None:
        for client in self.clients.values():
            client.close()

    def publish_catalogue(self, now: datetime) -> None:
        """Each agency's offerings (insatskatalog), before the persons' hand-offs name them."""
        for agency, client in self.clients.items():
            for body in catalogue_bodies(agency, now.date()):
                response = client.post("/catalogue", json=body)
                self.requests += 1
                if response.is_error:
                    self.failures.append(f"{agency} POST /catalogue: {response.status_code} "
                                         f"{response.text[:300]}")

    def load(self, story: Story) -> None:
        ref: str | None = None
        try:
            for step in story.steps():
                if step.path == "/persons":
                    answer = self._post(step, "/persons")
                    if answer is None:  # enrolled before: this person is already loaded
                        with self._lock:
                            self.skipped += 1
                        return
                    ref = str(answer["person_ref"])
                    continue
                if ref is None:
                    raise DemoLoadError(f"{story.key}: {step.agency} before identification")
                if step.await_hand_off is not None:
                    self._await_hand_off(step.agency, ref, step.await_hand_off)
                self._post(step, step.path.format(ref=ref))
        except (DemoLoadError, httpx.HTTPError) as error:
            with self._lock:
                self.failures.append(f"{story.key}: {error}")

    def _post(self, step: Step, path: str) -> dict[str, object] | None:
        response = self.clients[step.agency].post(path, json=step.body)
        with self._lock:
            self.requests += 1
        if response.status_code == 409 and step.agency == "kommun" and path == "/persons":
            return None
        if response.is_error:
            raise DemoLoadError(f"{step.agency} POST {path}: {response.status_code} "
                                f"{response.text[:300]}")
        body: dict[str, object] = response.json()
        return body

    def _await_hand_off(self, agency: str, ref: str, hand_off_id: str) -> None:
        """The receiving agency learns of a hand-off from the bus; wait until it has."""
        deadline = time.monotonic() + HAND_OFF_WAIT_SECONDS
        while time.monotonic() < deadline:
            response = self.clients[agency].get(f"/persons/{ref}")
            if response.is_success and hand_off_id in response.json()["incoming_hand_offs"]:
                return
            time.sleep(0.1)
        raise DemoLoadError(f"{agency} never received hand-off {hand_off_id}")


def load_demo(
    settings: Settings, persons: int = 500, *, seed: int = DEFAULT_SEED, workers: int = 32,
    now: datetime | None = None,
) -> DemoSummary:
    """Load ``persons`` demo persons (deterministic for ``seed``) into running services."""
    began = time.monotonic()
    now = now or datetime.now(UTC)
    stories = caseload(persons, seed=seed, now=now)
    loader = _Loader(settings)
    loader.publish_catalogue(now)
    progress = _Progress(len(stories))

    def load_one(story: Story) -> None:
        loader.load(story)
        progress.tick()

    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(load_one, stories))
    finally:
        loader.close()
    summary = DemoSummary(persons=len(stories) - loader.skipped, skipped=loader.skipped,
                          requests=loader.requests, failures=loader.failures,
                          seconds=round(time.monotonic() - began, 1))
    print(f"demo: {summary.persons} persons loaded ({summary.requests} requests, "
          f"{len(summary.failures)} failures) in {summary.seconds} s", file=sys.stderr)
    for failure in summary.failures[:10]:
        print(f"demo: failed {failure}", file=sys.stderr)
    return summary
