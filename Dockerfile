# One image for every process of the stack: the web server (the default command) and the workers
# (docker-compose.yml overrides the command: run_reminders, rqworker, rqcron).
# Build: docker build -t status-tracker .
ARG PYTHON_IMAGE=python:3.11-slim

# --- build: the virtual environment with the pinned requirements -----------------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.txt .
# Every dependency ships a wheel for this platform, so no compiler is needed. The stamp is the one
# scripts/run.sh writes, so the SQLite-only container's run.sh does not reinstall anything.
RUN python -m venv .venv \
    && .venv/bin/pip install -r requirements.txt \
    && cp requirements.txt .venv/.requirements.txt.installed

# --- runtime: the venv, the code and the collected static files, run as a non-root user -----------
FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=8000
RUN groupadd --system --gid 10001 tracker \
    && useradd --system --uid 10001 --gid tracker --home-dir /app --no-create-home tracker
WORKDIR /app
COPY --from=build /app/.venv /app/.venv
COPY . .
# Static files are collected once, here (whitenoise serves them with hashed names). The key only
# lets settings load for this command; it is not in the final environment.
# Bytecode is compiled here because the running user cannot write it next to the code.
RUN SECRET_KEY=collectstatic-at-build-only python manage.py collectstatic --noinput --verbosity 0 \
    && python -m compileall -q tracker tasks notifications board reminders accounts operations \
    && mkdir -p data \
    && chown -R tracker:tracker data staticfiles
USER tracker
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=6s --start-period=30s --retries=3 \
    CMD ["python", "scripts/healthcheck.py"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "tracker.asgi:application"]
