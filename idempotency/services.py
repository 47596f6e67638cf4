"""Idempotency keys: the record of a caller's first request under a key and its answer.

`request_begin` inserts the key's row (the unique constraint lets one request of many concurrent
retries through) or finds the earlier one: replayed when it has its answer, waited for while it runs,
refused (422) when it was a different request. Keys live 24 hours (IDEMPOTENCY_KEY_TTL).
"""

import hashlib
import time
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from idempotency.models import IdempotentRequest

KEY_TTL = timedelta(hours=24)
# How long a retry waits for the first request with its key to finish before a 409.
WAIT_SECONDS = 10.0
_POLL_SECONDS = 0.05


class KeyReused(Exception):
    """The key came with a different request (method, path or body) within its 24 hours."""


class KeyInFlight(Exception):
    """The first request with this key still runs after WAIT_SECONDS."""


def fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def request_begin(
    *, caller: str, key: str, fingerprint: str, wait_seconds: float = WAIT_SECONDS
) -> tuple[IdempotentRequest | None, IdempotentRequest | None]:
    """(the new row, None) when this request runs; (None, the earlier row) to replay its answer."""
    deadline = time.monotonic() + wait_seconds
    while True:
        now = timezone.now()
        try:
            with transaction.atomic():
                row = IdempotentRequest.objects.create(
                    caller=caller, key=key, fingerprint=fingerprint, created_at=now
                )
            return row, None
        except IntegrityError:
            pass
        earlier = IdempotentRequest.objects.filter(caller=caller, key=key).first()
        if earlier is None:
            continue  # the first request failed and forgot its key: this one runs
        if earlier.created_at <= now - KEY_TTL:
            IdempotentRequest.objects.filter(pk=earlier.pk, created_at=earlier.created_at).delete()
            continue
        if earlier.fingerprint != fingerprint:
            raise KeyReused
        if earlier.status_code is not None:
            return None, earlier
        if time.monotonic() >= deadline:
            raise KeyInFlight
        time.sleep(_POLL_SECONDS)


def request_finish(*, row: IdempotentRequest, status_code: int, body, location: str) -> None:
    row.status_code = status_code
    row.response_body = body
    row.location = location
    row.save(update_fields=["status_code", "response_body", "location"])


def request_forget(*, row: IdempotentRequest) -> None:
    """The request failed (an error, a 5xx): a retry with its key runs again."""
    IdempotentRequest.objects.filter(pk=row.pk).delete()


def requests_forget_expired(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    return IdempotentRequest.objects.filter(created_at__lte=now - KEY_TTL).delete()[0]
