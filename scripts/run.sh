#!/usr/bin/env bash
# Quick start: create .venv if missing, install the requirements, migrate the SQLite database and serve
# the board (live updates included), the API and the admin at http://127.0.0.1:8000 with the
# documented web command (gunicorn -c gunicorn.conf.py tracker.asgi:application: one port, requests
# and event streams alike) and the reminder loop running beside it.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $($PYTHON --version)..."
  "$PYTHON" -m venv .venv || {
    echo "Could not create a virtual environment. On Debian/Ubuntu: sudo apt-get install python3-venv" >&2
    exit 1
  }
fi
stamp=.venv/.requirements.txt.installed
if [ ! -f "$stamp" ] || ! cmp -s requirements.txt "$stamp"; then
  echo "Installing requirements..."
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -r requirements.txt
  cp requirements.txt "$stamp"
fi

# A fresh checkout has no .env: keep a generated secret key in data/ so sessions survive restarts.
if [ -z "${SECRET_KEY:-}" ] && ! grep -qs '^SECRET_KEY=.' .env; then
  mkdir -p data
  if [ ! -s data/secret_key ]; then
    .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' > data/secret_key
    chmod 600 data/secret_key
  fi
  SECRET_KEY=$(cat data/secret_key)
  export SECRET_KEY
fi

.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py collectstatic --noinput --verbosity 0

.venv/bin/python manage.py run_reminders &
reminders_pid=$!
trap 'kill "$reminders_pid" 2>/dev/null || true; wait "$reminders_pid" 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  Status Tracker is running at http://$HOST:$PORT/
  API: http://$HOST:$PORT/tasks/   API docs: http://$HOST:$PORT/api/docs/   Admin: http://$HOST:$PORT/admin/
  Admin login: in another terminal run  .venv/bin/python manage.py createsuperuser
  (export SECRET_KEY=\$(cat data/secret_key) first if you have no .env)
  Stop with Ctrl+C.

MSG
WEB_CONCURRENCY=${WEB_CONCURRENCY:-2} GUNICORN_BIND="$HOST:$PORT" .venv/bin/gunicorn -c gunicorn.conf.py tracker.asgi:application
