#!/usr/bin/env bash
# Install the test requirements and run the whole suite (arguments go to pytest).
# Tests use a real Redis at REDIS_URL; when none answers and redis-server is installed, a throwaway
# one is started on a free port and stopped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv || {
    echo "Could not create a virtual environment. On Debian/Ubuntu: sudo apt-get install python3-venv" >&2
    exit 1
  }
fi
stamp=.venv/.requirements-dev.txt.installed
if [ ! -f "$stamp" ] || ! cat requirements.txt requirements-dev.txt | cmp -s - "$stamp"; then
  echo "Installing test requirements..."
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -r requirements-dev.txt
  cat requirements.txt requirements-dev.txt > "$stamp"
fi

export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
redis_answers() {
  .venv/bin/python - "$REDIS_URL" <<'PY' 2>/dev/null
import sys, redis
redis.Redis.from_url(sys.argv[1], socket_connect_timeout=1).ping()
PY
}
if ! redis_answers; then
  if command -v redis-server >/dev/null; then
    port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --daemonize no >/dev/null &
    redis_pid=$!
    trap 'kill "$redis_pid" 2>/dev/null || true' EXIT
    export REDIS_URL="redis://127.0.0.1:$port/0"
    for _ in $(seq 50); do redis_answers && break; sleep 0.1; done
    echo "No Redis answered; started a throwaway one at $REDIS_URL"
  else
    echo "No Redis at $REDIS_URL and redis-server is not installed: Redis tests will be skipped." >&2
  fi
fi

.venv/bin/python -m pytest "$@"
