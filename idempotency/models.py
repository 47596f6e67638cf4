from django.db import models
from django.utils import timezone


class IdempotentRequest(models.Model):
    """One `Idempotency-Key` of one caller and the answer its first request got (idempotency.api).

    The unique constraint makes concurrent retries with one key one request: the first inserts the
    row and runs, the others wait for its answer and replay it.
    """

    # Who sent it: "user:<id>" (a person, a bot or the service account); keys are per caller.
    caller = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    # sha256 of method, path and body: the same key with another request is a 422.
    fingerprint = models.CharField(max_length=64)
    # None while the first request runs.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    location = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["caller", "key"], name="idempotency_caller_key_unique")
        ]
        indexes = [
            # idempotency.services.requests_forget_expired.
            models.Index(fields=["created_at"], name="idempotency_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.caller} {self.key}"
