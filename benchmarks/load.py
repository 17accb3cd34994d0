"""A bounded load from a second process: `concurrency` connections, each sending its next
request as soon as the last is answered, for `seconds`; prints requests/s, latencies and
errors as JSON. `python -m benchmarks.load URL --seconds 5 --concurrency 4 --cookie …`"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import threading
import time
from urllib.parse import urlsplit


def run(url: str, *, seconds: float, concurrency: int, headers: dict[str, str]) -> dict:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    stop_at = time.perf_counter() + seconds
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine: list[float] = []
        while time.perf_counter() < stop_at:
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
                status = str(response.status)
            except (OSError, http.client.HTTPException) as error:
                ok, status = False, type(error).__name__
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            if ok:
                mine.append(time.perf_counter() - start)
            else:
                with lock:
                    errors.append(status)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--cookie", default="")
    args = parser.parse_args()
    headers = {"Cookie": args.cookie} if args.cookie else {}
    print(
        json.dumps(
            run(args.url, seconds=args.seconds, concurrency=args.concurrency, headers=headers)
        )
    )


if __name__ == "__main__":
    main()
