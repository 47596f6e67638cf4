#!/usr/bin/env python3
"""Exit 0 when the web process on this machine answers GET /healthz with 200, else 1.

The Docker image's HEALTHCHECK. Standard library only, so it is cheap to run every few seconds. It
sends HOST_NAME as the Host header (always an allowed host) and probes plain HTTP: /healthz is
exempt from the HTTPS redirect.
"""

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    port = os.environ.get("PORT", "8000")
    host = os.environ.get("HOST_NAME") or "localhost"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz", headers={"Host": host, "X-Request-ID": "healthcheck"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (fixed http URL)
            body = response.read().decode()
    except (urllib.error.URLError, OSError) as error:
        print(f"unhealthy: {error}")
        return 1
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
