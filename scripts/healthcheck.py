"""Container health check of the `web` service: exit 0 when GET /healthz/ answers 2xx.

Standard library only (the image has no curl). The Host header is the first entry of
DJANGO_ALLOWED_HOSTS, since Django answers 400 to a host it does not serve.

    python scripts/healthcheck.py [URL]      default http://127.0.0.1:8000/healthz/
"""

import os
import sys
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8000/healthz/"


def host_header() -> str:
    hosts = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = hosts[0].lstrip(".") if hosts else ""
    return host if host and host != "*" else "localhost"


def main() -> int:
    url = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL
    request = urllib.request.Request(url, headers={"Host": host_header()})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            print(response.status, response.read(200).decode(errors="replace"))
            return 0
    except urllib.error.HTTPError as error:
        print(error.code, error.read(200).decode(errors="replace"), file=sys.stderr)
    except OSError as error:
        print(f"unreachable: {error}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
