"""A bounded load from a second process: `concurrency` connections, each sending its next
request as soon as the last is answered, for `seconds`; prints requests/s, latencies (median
and 95th percentile) and errors as JSON.

One page: `python -m benchmarks.load URL --seconds 5 --concurrency 4 --cookie …`.
A mix: `python -m benchmarks.load BASE_URL --plan plan.json …`, where the plan is a JSON list
of `{"label": …, "path": …, "cookie": …}` (a label per role, say); each connection walks the
list in turn from its own starting point, and the answer has the figures of each label too.
Anything but a 200 is an error: a redirect (to the login page, when a session broke) as well.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

# How many failing requests an answer describes (label, path, status), to tell which broke.
ERROR_EXAMPLES = 10


@dataclass(frozen=True)
class Target:
    """One request of a mix: its path, the headers it carries (a session cookie), its label."""

    path: str
    label: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, item: Mapping[str, str]) -> Target:
        cookie = item.get("cookie", "")
        return cls(
            path=item["path"],
            label=item.get("label", ""),
            headers={"Cookie": cookie} if cookie else {},
        )


def percentile(values: Sequence[float], percent: int) -> float | None:
    """The nearest-rank percentile: the smallest value with at least `percent`% of the values
    at or below it (integer arithmetic, so that 95% of 20 values is exactly the 19th)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * percent // 100))
    return ordered[rank - 1]


def _figures(latencies: Sequence[float], errors: Sequence[str], elapsed: float) -> dict[str, Any]:
    p95 = percentile(latencies, 95)
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "rps": len(latencies) / elapsed if elapsed > 0 else 0.0,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else None,
        "p95_ms": p95 * 1000 if p95 is not None else None,
    }


def summarise(
    latencies: Mapping[str, Sequence[float]],
    errors: Mapping[str, Sequence[str]],
    elapsed: float,
    examples: Sequence[str] = (),
    *,
    raw: bool = False,
) -> dict[str, Any]:
    """The answer of a run: the figures over every request (successful requests' latencies in
    seconds, failed requests' statuses, per label), then those of each label under `labels`.
    Requests/s count the successful requests only, over the whole run's `elapsed` seconds.
    With `raw`, the latencies and statuses themselves too, for runs to be pooled."""
    names = sorted(set(latencies) | set(errors))
    every = [value for name in names for value in latencies.get(name, ())]
    failed = [status for name in names for status in errors.get(name, ())]
    answer = {
        **_figures(every, failed, elapsed),
        "seconds": elapsed,
        "error_examples": list(examples),
        "labels": {
            name: _figures(latencies.get(name, ()), errors.get(name, ()), elapsed) for name in names
        },
    }
    if raw:
        answer["raw"] = {
            "latencies": {name: list(values) for name, values in latencies.items()},
            "errors": {name: list(values) for name, values in errors.items()},
        }
    return answer


def pool(runs: Sequence[Mapping[str, Any]], group: Callable[[str], str] = str) -> dict[str, Any]:
    """Runs answered with `raw` as one: their requests pooled (their labels grouped by
    `group`, the label itself by default), over the sum of their durations."""
    latencies: dict[str, list[float]] = {}
    errors: dict[str, list[str]] = {}
    for run in runs:
        for label, values in run["raw"]["latencies"].items():
            latencies.setdefault(group(label), []).extend(values)
        for label, values in run["raw"]["errors"].items():
            errors.setdefault(group(label), []).extend(values)
    examples = [example for run in runs for example in run["error_examples"]]
    return summarise(latencies, errors, sum(run["seconds"] for run in runs), examples)


class _Tally:
    """What the clients of one run saw, gathered under a lock."""

    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = {}
        self.errors: dict[str, list[str]] = {}
        self.examples: list[str] = []
        self.lock = threading.Lock()

    def add(self, target: Target, status: str, seconds: float) -> None:
        with self.lock:
            if status == "200":
                self.latencies.setdefault(target.label, []).append(seconds)
                return
            self.errors.setdefault(target.label, []).append(status)
            if len(self.examples) < ERROR_EXAMPLES:
                self.examples.append(f"{target.label} {target.path} {status}".strip())


def _client(
    host: str | None,
    port: int | None,
    targets: Sequence[Target],
    first: int,
    stop_at: float,
    tally: _Tally,
) -> None:
    """One connection (kept alive) sending `targets` in turn from `first` until `stop_at`."""
    connection = http.client.HTTPConnection(host, port, timeout=30)
    turn = first
    while time.perf_counter() < stop_at:
        target = targets[turn % len(targets)]
        turn += 1
        start = time.perf_counter()
        try:
            connection.request("GET", target.path, headers=dict(target.headers))
            response = connection.getresponse()
            response.read()
            status = str(response.status)
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=30)
        tally.add(target, status, time.perf_counter() - start)
    connection.close()


def run_plan(
    base_url: str,
    targets: Sequence[Target],
    *,
    seconds: float,
    concurrency: int,
    raw: bool = False,
) -> dict[str, Any]:
    """Load `base_url` with `targets` in turn (each connection from its own starting point)
    for `seconds`; the answer is `summarise`'s."""
    if not targets:
        raise ValueError("a load needs at least one target")
    parts = urlsplit(base_url)
    stop_at = time.perf_counter() + seconds
    tally = _Tally()
    threads = [
        threading.Thread(
            target=_client,
            args=(
                parts.hostname,
                parts.port,
                targets,
                i * len(targets) // concurrency,
                stop_at,
                tally,
            ),
        )
        for i in range(concurrency)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return summarise(tally.latencies, tally.errors, elapsed, tally.examples, raw=raw)


def run(
    url: str, *, seconds: float, concurrency: int, headers: dict[str, str], raw: bool = False
) -> dict[str, Any]:
    """Load one page (`url`, with `headers`) for `seconds`."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    target = Target(path=path, headers=headers)
    return run_plan(url, [target], seconds=seconds, concurrency=concurrency, raw=raw)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", help="the page, or with --plan the server's base URL")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--cookie", default="")
    parser.add_argument("--plan", help="a JSON file: a list of {label, path, cookie}")
    parser.add_argument(
        "--raw", action="store_true", help="add every latency and error (to pool runs)"
    )
    args = parser.parse_args()
    bounds = {"seconds": args.seconds, "concurrency": args.concurrency, "raw": args.raw}
    if args.plan:
        with open(args.plan, encoding="utf-8") as plan:
            targets = [Target.from_json(item) for item in json.load(plan)]
        answer = run_plan(args.url, targets, **bounds)
    else:
        headers = {"Cookie": args.cookie} if args.cookie else {}
        answer = run(args.url, headers=headers, **bounds)
    print(json.dumps(answer))


if __name__ == "__main__":
    main()
