"""Reminder drill on the real servers (run by CI after the backup drill; by hand, from the
repository's root: `.venv/bin/python scripts/drill_reminders.py`).

It starts its own Redis (on a free port, nothing kept on disk), its own PostgreSQL database, a
local SMTP server that records who receives each message, a real Celery worker (prefork,
concurrency 2, prefetch 1) and TWO Celery beats at once, under a small supervisor that
restarts whatever exits, as `restart: unless-stopped` does in compose. Beat sweeps every
minute; a claim expires after a minute. Then, on 2,000 due reminders for 2,000 recipients:

a) Once the first sweep's e-mails have begun to arrive (the first few dozen of 2,000 at the
   sink: mid-batch on a slow machine and on a fast one, where the whole batch can take under
   three seconds), the worker (all its processes) and the beat that holds the lock are
   SIGKILLed; a new worker starts, and once the dead beat's lock expires a waiting beat takes
   it over.
b) Once the new worker has sent what was queued, Redis is stopped for a minute
   (`DRILL_REDIS_DOWN_SECONDS`, 60): in this process, a care plan is proposed and a
   contribution submitted through Django's test client, each timed; their reminders wait in
   the ledger. Redis starts again, empty; the beats come back.
The next sweep sends the killed worker's rows (their claims expired) and the events' reminders.
At the sink: every recipient received their e-mail (0 lost); the e-mails received twice are at
most those in flight in the killed worker's processes (the window of at-least-once). Beat
sent each sweep once (never two sweeps in one minute). It prints the figures and exits non-zero
on a failure, always stopping its processes and dropping its database.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from django.http import HttpResponse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RECIPIENTS = 2000
CONCURRENCY = 2
DATABASE = "labparcours_drill_reminders"
PG_HOST = os.environ.get("PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("PG_PORT", "5432")
REDIS_DOWN_SECONDS = int(os.environ.get("DRILL_REDIS_DOWN_SECONDS", "60"))
# The kill: once this many of the batch's e-mails are at the sink (looked at every 10 ms),
# within this many seconds of beat sending the first sweep.
KILL_AT_EMAILS = 20
KILL_WITHIN_SECONDS = 30
BEAT_LOCK_SECONDS = 20
REQUEST_LIMIT_SECONDS = 10
FIRST_SWEEP_LIMIT_SECONDS = 100
DRAIN_LIMIT_SECONDS = 180
DRILL_DOMAIN = "drill.test"


def say(text: str) -> None:
    print(text, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def local_zone() -> ZoneInfo:
    """The zone of the Celery logs' times: Django's TIME_ZONE, which each process runs in."""
    from django.conf import settings

    return ZoneInfo(settings.TIME_ZONE)


def clock(moment: float) -> str:
    return datetime.datetime.fromtimestamp(moment, tz=local_zone()).strftime("%H:%M:%S")


# --- The processes ---------------------------------------------------------------------------


@dataclass
class Service:
    """A process of the drill, each start with a log of its own; `wanted` while it should run
    (the supervisor restarts it when it exits)."""

    name: str
    argv: list[str]
    env: dict[str, str]
    logs: Path
    wanted: bool = True
    process: subprocess.Popen | None = None
    starts: list[tuple[float, Path]] = field(default_factory=list)
    delay: float = 0.5
    restart_at: float = 0.0

    def start(self) -> None:
        log = self.logs / f"{self.name}-{len(self.starts) + 1}.log"
        with log.open("w") as out:
            self.process = subprocess.Popen(  # noqa: S603 — our interpreter, our arguments
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: a kill takes its children
            )
        self.starts.append((time.time(), log))
        self.wanted = True

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, sig: int) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)

    def kill(self) -> None:
        """SIGKILL, the process and its children at once (no shutdown of any kind)."""
        self.signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait()

    def stop(self) -> None:
        self.wanted = False
        self.signal(signal.SIGTERM)
        if self.process is None:
            return
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()

    def supervise(self, now: float) -> None:
        """Restart it when it exited, waiting longer after each quick exit (capped)."""
        if not self.wanted or self.alive():
            return
        if self.restart_at == 0.0:
            ran = now - self.starts[-1][0] if self.starts else 0.0
            self.delay = 0.5 if ran > 10 else min(self.delay * 2, 4.0)
            self.restart_at = now + self.delay
        elif now >= self.restart_at:
            self.restart_at = 0.0
            self.start()

    def log_text(self) -> str:
        return "\n".join(path.read_text(errors="replace") for _at, path in self.starts)


class Sink:
    """The local SMTP server: who received each message, and when."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[tuple[float, str]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's hook
        now = time.time()
        with self.lock:
            self.received.extend((now, address.lower()) for address in envelope.rcpt_tos)
        return "250 OK"

    def to(self, suffix: str, since: float = 0.0) -> list[tuple[float, str]]:
        with self.lock:
            return [(at, a) for at, a in self.received if a.endswith(suffix) and at >= since]


@dataclass
class Drill:
    work: Path
    env: dict[str, str]
    redis: Service
    worker: Service
    beats: list[Service]
    sink: Sink
    redis_port: int
    failures: list[str] = field(default_factory=list)
    figures: dict[str, str] = field(default_factory=dict)

    def services(self) -> list[Service]:
        return [self.worker, *self.beats]

    def wait_until(self, check: Callable[[], bool], limit: float, tick: float = 0.25) -> bool:
        """Poll `check` for at most `limit` seconds, supervising the processes meanwhile."""
        end = time.time() + limit
        while time.time() < end:
            for service in self.services():
                service.supervise(time.time())
            if check():
                return True
            time.sleep(tick)
        return check()

    def fail(self, text: str) -> None:
        say(f"    FAILED: {text}")
        self.failures.append(text)


# --- Setting up ------------------------------------------------------------------------------


def drill_env(work: Path, redis_port: int, smtp_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "labparcours.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "drill-only-not-secret-3b9e1c7a5d2f4e6a8c0b1d3f5a7e9c2b",
        "DJANGO_ALLOWED_HOSTS": "testserver,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "ERROR",
        "LABPARCOURS_VAR_DIR": str(work / "var"),
        "DATABASE_URL": f"postgres://postgres@{PG_HOST}:{PG_PORT}/{DATABASE}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "LABPARCOURS_REMINDER_CLAIM_MINUTES": "1",
        "LABPARCOURS_REMINDER_SWEEP_MINUTE": "*",
        "LABPARCOURS_REMINDER_SWEEP_HOURS": "*",
        "LABPARCOURS_BEAT_LOCK_SECONDS": str(BEAT_LOCK_SECONDS),
    }


def admin_sql(statement: str) -> None:
    from drill_support import admin_sql as run

    run(PG_HOST, PG_PORT, statement)


def redis_answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5) as s:
        s.sendall(b"PING\r\n")
        return s.recv(16).startswith(b"+PONG")
    return False


@dataclass
class Scene:
    """What phase b acts on: a draft plan to propose, a SIC to contribute to, and who acts."""

    plan_id: int
    sic_id: int
    gp_id: int


def set_up_data() -> Scene:
    """The team of the tests' world (a coordinator, a patient's team, the patient and a
    caregiver), a draft plan and a scheduled SIC; what the rules find due for them is sent at
    once here, so that the drill's sink counts its own reminders only; then 2,000 reminders due
    for 2,000 recipients (a kind the sweep sends without asking a rule), everyone on e-mail."""
    from django.core.management import call_command
    from django.test.utils import override_settings
    from django.utils import timezone

    from labparcours.celery import app
    from labparcours.models import Role, User
    from reminders.models import Reminder
    from reminders.sweep import reminders_sweep
    from sic.services import sic_ensure_planned, sic_schedule
    from tests.factories import build_world, make_plan

    call_command("migrate", verbosity=0)
    app.conf.task_always_eager = True
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ):
            world = build_world()
            plan = make_plan(world)
            day = timezone.localdate() + datetime.timedelta(days=10)
            at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(14)))
            sic = sic_schedule(sic=sic_ensure_planned(patient=world.own), at=at)
            reminders_sweep(inline=True)
    finally:
        app.conf.task_always_eager = False
    users = User.objects.bulk_create(
        User(email=f"drill-{i:04d}@{DRILL_DOMAIN}", role=Role.CLINICIAN) for i in range(RECIPIENTS)
    )
    Reminder.objects.bulk_create(
        Reminder(
            kind="manual",
            recipient=user,
            patient=world.other,
            target_key=f"drill:{i}",
            cycle="drill",
            link="/",
            context={"topic": "general"},
        )
        for i, user in enumerate(users)
    )
    return Scene(plan.pk, sic.pk, world.gp.pk)


def drill_rows():
    from reminders.models import Reminder

    return Reminder.objects.filter(target_key__startswith="drill:")


# --- The phases ------------------------------------------------------------------------------

LOG_TIME = r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d+: \w+/MainProcess\] "


def log_times(text: str, pattern: str) -> list[datetime.datetime]:
    zone = local_zone()
    return [
        datetime.datetime.fromisoformat(found).replace(tzinfo=zone)
        for found in re.findall(LOG_TIME + pattern, text)
    ]


def beat_sweeps(drill: Drill) -> list[tuple[datetime.datetime, str]]:
    """(when, which beat's start) for every sweep a beat sent."""
    return sorted(
        (when, path.stem)
        for beat in drill.beats
        for _at, path in beat.starts
        for when in log_times(
            path.read_text(errors="replace"), "Scheduler: Sending due task reminders-sweep"
        )
    )


def lock_holders(drill: Drill) -> list[tuple[datetime.datetime, str]]:
    return sorted(
        (when, path.stem)
        for beat in drill.beats
        for _at, path in beat.starts
        for when in log_times(path.read_text(errors="replace"), "beat: Acquired lock")
    )


class Abort(Exception):
    """A step the rest of the drill cannot do without."""


def phase_kill(drill: Drill) -> None:
    """Wait for beat's first sweep, then SIGKILL the worker and the beat holding the lock."""
    say("==> a) A worker killed mid-batch, two beats at once")
    if not drill.wait_until(lambda: bool(beat_sweeps(drill)), FIRST_SWEEP_LIMIT_SECONDS):
        raise Abort(f"no beat sent a sweep within {FIRST_SWEEP_LIMIT_SECONDS} s")
    first, by = beat_sweeps(drill)[0]
    say(
        f"    first sweep sent at {first:%H:%M:%S} by {by}; the kill once {KILL_AT_EMAILS} "
        "e-mails have arrived"
    )
    drill.wait_until(
        lambda: len(drill.sink.to(DRILL_DOMAIN)) >= KILL_AT_EMAILS, KILL_WITHIN_SECONDS, tick=0.01
    )
    holder = lock_holders(drill)[-1][1]
    beat = next(b for b in drill.beats if b.starts[-1][1].stem == holder)
    at_kill = len(drill.sink.to(DRILL_DOMAIN))
    killed_at = time.time()
    drill.worker.kill()
    beat.kill()
    drill.worker.start()  # its supervisor starts another at once; the beat comes back alone
    say(f"    {clock(killed_at)} SIGKILL: the worker ({CONCURRENCY} processes) and {holder},")
    say(f"    with {at_kill} of {RECIPIENTS} e-mails at the sink; a new worker started")
    drill.figures["at the kill"] = f"{at_kill} of {RECIPIENTS} e-mails at the sink"
    if not 0 < at_kill < RECIPIENTS:
        drill.fail(f"the kill missed the batch: {at_kill} e-mails at the sink")

    def took_over() -> bool:
        return any(when.timestamp() >= killed_at - 1 for when, _ in lock_holders(drill))

    if drill.wait_until(took_over, BEAT_LOCK_SECONDS + 15):
        when, who = next((w, s) for w, s in lock_holders(drill) if w.timestamp() >= killed_at - 1)
        seconds = when.timestamp() - killed_at
        say(f"    {who} took the lock over {seconds:.0f} s after the kill")
        drill.figures["beat took over after"] = f"{seconds:.0f} s (lock {BEAT_LOCK_SECONDS} s)"
    else:
        drill.fail("no beat took the lock over")


def settled(drill: Drill, quiet: float) -> Callable[[], bool]:
    """True once the sink has received nothing new for `quiet` seconds."""
    state = {"count": -1, "since": time.time()}

    def check() -> bool:
        count = len(drill.sink.received)
        if count != state["count"]:
            state["count"], state["since"] = count, time.time()
        return time.time() - state["since"] >= quiet

    return check


def timed_request(drill: Drill, what: str, call: Callable[[], HttpResponse]) -> float:
    """Make the request, timed; it must answer with the redirect of a saved form, in time."""
    start = time.perf_counter()
    try:
        response = call()
        outcome = f"{response.status_code} → {response.get('Location', '')}"
        saved = response.status_code == 302
    except Exception as exc:  # the figure says what broke
        outcome, saved = f"{type(exc).__name__}: {exc}", False
    seconds = time.perf_counter() - start
    say(f"    {what}: {outcome} in {seconds:.2f} s")
    if not saved:
        drill.fail(f"{what} answered {outcome} while Redis was down")
    if seconds >= REQUEST_LIMIT_SECONDS:
        drill.fail(f"{what} took {seconds:.1f} s (limit {REQUEST_LIMIT_SECONDS} s)")
    return seconds


class Counting(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def phase_redis_down(drill: Drill, scene: Scene) -> tuple[float, list[int]]:
    """Stop Redis; save a plan and a contribution meanwhile; start Redis again."""
    from django.test import Client

    from careplans.models import CarePlan
    from labparcours.models import User
    from reminders.models import Reminder
    from sic.models import Contribution

    say(f"==> b) Redis stopped for {REDIS_DOWN_SECONDS} s")
    drill.redis.stop()
    down_at = time.time()
    say(f"    {clock(down_at)} Redis stopped")
    refused = Counting()
    queue_log = logging.getLogger("reminders.tasks")
    queue_log.addHandler(refused)
    queue_log.propagate = False
    before = set(Reminder.objects.values_list("pk", flat=True))
    # The patient's GP leads the team: they propose the plan and write their summary.
    gp = Client()
    gp.force_login(User.objects.get(pk=scene.gp_id))
    summary = {"history": "h", "current_problems": "p", "expectations": "e", "submit": "1"}
    slowest = max(
        timed_request(
            drill,
            "the GP proposes the care plan",
            lambda: gp.post(f"/plans/{scene.plan_id}/proposer/"),
        ),
        timed_request(
            drill,
            "the GP submits a contribution",
            lambda: gp.post(f"/sic/{scene.sic_id}/contribution/gp_summary/", summary),
        ),
    )
    if CarePlan.objects.get(pk=scene.plan_id).status != "proposed":
        drill.fail("the care plan was not proposed")
    contribution = Contribution.objects.filter(sic_id=scene.sic_id, kind="gp_summary").first()
    if contribution is None or not contribution.is_submitted:
        drill.fail("the contribution was not submitted")
    waiting = list(Reminder.objects.exclude(pk__in=before).filter(sent_at__isnull=True))
    say(
        f"    {len(waiting)} reminders written, unsent, in the ledger "
        f"({', '.join(sorted({r.kind for r in waiting}))}); "
        f"{refused.count} publications refused by the dead broker"
    )
    if not waiting:
        drill.fail("the events wrote no reminder")
    drill.figures["slowest request while down"] = (
        f"{slowest:.2f} s (limit {REQUEST_LIMIT_SECONDS} s)"
    )
    drill.wait_until(lambda: time.time() - down_at >= REDIS_DOWN_SECONDS, REDIS_DOWN_SECONDS + 1)
    drill.redis.start()
    if not drill.wait_until(lambda: redis_answers(drill.redis_port), 10):
        raise Abort("Redis did not start again")
    up_at = time.time()
    down = up_at - down_at
    say(f"    {clock(up_at)} Redis started again, empty, after {down:.0f} s")
    drill.figures["redis down"] = f"{down:.0f} s"
    return up_at, [r.pk for r in waiting]


def phase_drain(drill: Drill, up_at: float, event_ids: list[int]) -> None:
    from reminders.models import Reminder

    say("==> The next sweep sends what waits: the killed worker's rows, the events' reminders")
    events = Reminder.objects.filter(pk__in=event_ids).select_related("recipient")
    addresses = {r.recipient.email.lower() for r in events}

    def drained() -> bool:
        received = {a for _at, a in drill.sink.to("", since=up_at)}
        return (
            not drill_rows().filter(sent_at__isnull=True).exists()
            and not events.filter(sent_at__isnull=True).exists()
            and addresses <= received
        )

    if not drill.wait_until(drained, DRAIN_LIMIT_SECONDS, tick=0.5):
        left = drill_rows().filter(sent_at__isnull=True).count()
        drill.fail(f"not drained {DRAIN_LIMIT_SECONDS} s after Redis returned ({left} rows unsent)")
    drill.wait_until(settled(drill, 1.0), 5)
    arrivals = [at for at, a in drill.sink.to("", since=up_at) if a in addresses]
    if arrivals:
        after = max(arrivals) - up_at
        say(f"    the events' {len(addresses)} e-mails arrived {after:.0f} s after Redis returned")
        drill.figures["drained after restart"] = f"{after:.0f} s"
    counts = Counter(a for _at, a in drill.sink.to(DRILL_DOMAIN))
    expected = {f"drill-{i:04d}@{DRILL_DOMAIN}" for i in range(RECIPIENTS)}
    lost = len(expected - set(counts))
    duplicated = sum(n - 1 for n in counts.values() if n > 1)
    window = CONCURRENCY  # one kill: the e-mail in flight in each of its pool processes
    drill.figures.update(
        {
            "reminders": str(RECIPIENTS),
            "e-mails at the sink": str(sum(counts.values())),
            "lost": str(lost),
            "duplicated": f"{duplicated} (window: the e-mail in flight in each of the killed "
            f"worker's {CONCURRENCY} processes, at most {window})",
        }
    )
    say(f"    lost: {lost}; duplicated: {duplicated} (window: the e-mails in flight at the kill)")
    if lost:
        drill.fail(f"{lost} recipients received nothing")
    if duplicated > window:
        drill.fail(f"{duplicated} e-mails duplicated, more than the {window} in flight")


def check_beats(drill: Drill) -> None:
    sweeps = beat_sweeps(drill)
    per_minute = Counter(when.replace(second=0) for when, _ in sweeps)
    doubled = sum(1 for n in per_minute.values() if n > 1)
    starts = sum(len(b.starts) for b in drill.beats)
    schedulers = sorted({who for _when, who in sweeps})
    holders = " → ".join(f"{who} {when:%H:%M:%S}" for when, who in lock_holders(drill))
    say(f"==> Beats: {starts} starts (2 at once), lock held by: {holders}")
    say(
        f"    {len(sweeps)} sweeps sent, by {', '.join(schedulers) or 'none'}; "
        f"minutes with two sweeps: {doubled}"
    )
    drill.figures["beats started"] = (
        f"{starts}: 2 at once, then {starts - 2} restarts by the supervisor (after the kill, "
        "and while Redis was down: a beat without Redis exits)"
    )
    drill.figures["beats that scheduled"] = (
        f"{len(schedulers)}, one at a time ({len(sweeps)} sweeps, {doubled} minutes with two)"
    )
    if doubled:
        drill.fail(f"two beats sent the sweep in {doubled} minutes")


# --- Main ------------------------------------------------------------------------------------


@contextlib.contextmanager
def servers(work: Path) -> Iterator[Drill]:
    """Database, Redis, the sink, the worker and two beats; all stopped and dropped after."""
    from aiosmtpd.controller import Controller

    redis_port, smtp_port = free_port(), free_port()
    env = drill_env(work, redis_port, smtp_port)
    os.environ.update(env)
    logs = work / "logs"
    logs.mkdir()
    (work / "var" / "static").mkdir(parents=True)  # collectstatic's folder, empty here
    celery = [sys.executable, "-m", "celery", "-A", "labparcours"]
    redis = Service(
        "redis",
        [
            "redis-server",
            "--port",
            str(redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(work),
        ],
        env,
        logs,
    )
    worker = Service(
        "worker",
        [
            *celery,
            "worker",
            "-l",
            "info",
            "--concurrency",
            str(CONCURRENCY),
            "--prefetch-multiplier",
            "1",
            "-n",
            "drill@%h",
        ],
        env,
        logs,
    )
    beats = [Service(f"beat{i}", [*celery, "beat", "-l", "info"], env, logs) for i in (1, 2)]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    drill = Drill(work, env, redis, worker, beats, sink, redis_port)
    admin_sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {DATABASE}")
    try:
        redis.start()
        if not drill.wait_until(lambda: redis_answers(redis_port), 10):
            raise RuntimeError(f"redis-server did not answer on port {redis_port}")
        controller.start()
        yield drill
    finally:
        cleaning = time.time()
        for service in [*beats, worker, redis]:
            service.stop()
        with contextlib.suppress(Exception):
            controller.stop()
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        admin_sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        say(f"==> Processes stopped, {DATABASE} dropped, in {time.time() - cleaning:.0f} s")
        if drill.failures:
            for service in [worker, *beats]:
                say(f"--- last lines of {service.name}'s logs")
                say("\n".join(service.log_text().splitlines()[-25:]))


def main() -> int:
    began = time.time()
    with (
        tempfile.TemporaryDirectory(prefix="drill-reminders-") as folder,
        servers(Path(folder)) as drill,
    ):
        import django

        say(f"==> Setting up {DATABASE}: migrations, a team, {RECIPIENTS} due reminders")
        start = time.time()
        django.setup()
        scene = set_up_data()
        say(f"    ready in {time.time() - start:.0f} s")
        for service in drill.services():
            service.start()
        started = clock(time.time())
        say(f"    {started} a worker (concurrency {CONCURRENCY}, prefetch 1) and two beats started")
        try:
            phase_kill(drill)
            drill.wait_until(settled(drill, 3.0), 45)
            up_at, event_ids = phase_redis_down(drill, scene)
            phase_drain(drill, up_at, event_ids)
        except Abort as exc:
            drill.fail(str(exc))
        check_beats(drill)
        drill.figures["wall time"] = f"{time.time() - began:.0f} s"
        say("==> Summary")
        for name, value in drill.figures.items():
            say(f"    {name:<28} {value}")
        if drill.failures:
            say("DRILL FAILED: " + "; ".join(drill.failures))
            return 1
        say("reminder drill: passed")
        return 0


if __name__ == "__main__":
    sys.exit(main())
