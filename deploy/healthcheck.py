"""Container HEALTHCHECK: exit 0 when the web app answers GET /healthz with 200, else 1.

Standard library only and no import of `bot`, so it costs a few milliseconds every 30 s and still
works when the app itself is wedged. Asks 127.0.0.1 on OBLIGATIONS_PORT (default 8080), which is
where `obligations serve` listens inside the container (OBLIGATIONS_HOST=0.0.0.0 includes it).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

HEALTH_PATH = "/healthz"


def main() -> int:
    port = (os.environ.get("OBLIGATIONS_PORT") or "8080").strip()
    url = f"http://127.0.0.1:{port}{HEALTH_PATH}"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (OSError, ValueError) as exc:
        print(f"unhealthy: GET {url}: {exc}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"unhealthy: GET {url}: HTTP {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
