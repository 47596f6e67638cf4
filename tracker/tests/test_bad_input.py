"""Hostile and odd input: a clear 4xx JSON error a person can act on and nothing stored, or, where
the input is valid (emoji, right-to-left text, SQL or HTML as plain text), stored exactly as sent.
Never a 500.

Runs on SQLite and PostgreSQL alike; PostgreSQL refuses NUL in text, which must still be a 400.
"""

import asyncio
import json

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError

from notifications.models import Notification
from tasks.models import Task
from tasks.tests.ordering import column_names
from tracker.api.exceptions import api_exception_handler
from tracker.middleware.body_limit import limit_request_body
from tracker.tests.tables import snapshot

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


@pytest.fixture
def task(make_task) -> Task:
    return make_task("Nightly backup", description="db + files", status="in_progress")


def post_raw(client, body: str | bytes, content_type: str = "application/json"):
    return client.generic("POST", "/tasks/", body, content_type=content_type)


def assert_clear_4xx(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()
    assert error and isinstance(error, dict)
    return error


# --- size ---------------------------------------------------------------------------------------


def test_body_over_one_mebibyte_is_413_and_stores_nothing(token_client):
    body = json.dumps({"name": "Big", "description": "x" * MIB})
    error = assert_clear_4xx(post_raw(token_client, body), status=413)
    assert "1 MiB" in error["detail"]
    assert not Task.objects.exists()


def test_declared_length_over_the_limit_is_413_before_reading(token_client):
    response = token_client.generic(
        "POST",
        "/tasks/",
        b'{"name": "Small"}',
        content_type="application/json",
        CONTENT_LENGTH=str(MIB + 1),
    )
    assert_clear_4xx(response, status=413)
    assert not Task.objects.exists()


def test_body_of_exactly_one_mib_is_read(token_client):
    body = '{"name": "x"}'
    response = post_raw(token_client, body + " " * (MIB - len(body)))
    assert response.status_code == 200


def test_huge_json_under_the_limit_is_400(token_client):
    body = json.dumps([{"name": f"Task {n}"} for n in range(30_000)])  # ~0.6 MiB, not an object
    assert len(body) < MIB
    assert_clear_4xx(post_raw(token_client, body))
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"name": ' + "[" * 10_000 + "]" * 10_000 + "}",
        '{"name": "x", "description": ' + '{"a": ' * 5_000 + "1" + "}" * 5_000 + "}",
    ],
    ids=["deep array", "deep name", "deep description"],
)
def test_deeply_nested_json_is_400(token_client, body):
    error = assert_clear_4xx(post_raw(token_client, body))
    assert "nested too deeply" in error["detail"]
    assert not Task.objects.exists()


# --- malformed bodies ----------------------------------------------------------------------------


def test_malformed_json_is_400(token_client):
    response = post_raw(token_client, '{"name": ')
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


@pytest.mark.parametrize(
    "body",
    ['{"name": "x"', "{'name': 'x'}", "", "null", "[]", '"name"', "42", b'{"name": "\xff\xfe"}'],
    ids=["truncated", "single quotes", "empty", "null", "array", "string", "number", "not utf-8"],
)
def test_malformed_or_non_object_json_is_400(token_client, body):
    assert_clear_4xx(post_raw(token_client, body))
    assert not Task.objects.exists()


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/yaml"])
def test_unsupported_content_type_is_415(token_client, content_type):
    error = assert_clear_4xx(post_raw(token_client, "name: x", content_type), status=415)
    assert "application/json" in error["detail"]
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("name=Form", "application/x-www-form-urlencoded"),
        (
            '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nForm\r\n--b--\r\n',
            "multipart/form-data; boundary=b",
        ),
    ],
    ids=["form", "multipart"],
)
def test_form_bodies_are_415_and_create_nothing(token_client, body, content_type):
    response = post_raw(token_client, body, content_type=content_type)
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]
    assert not Task.objects.exists()


def test_the_original_query_parameter_form_needs_no_body(token_client, make_task):
    task = make_task()
    response = token_client.put(f"/tasks/{task.pk}?name=Renamed", content_type="")
    assert response.status_code == 200
    assert response.json()["name"] == "Renamed"


def test_the_browsable_api_offers_its_json_form(client, staff_user):
    client.force_login(staff_user)
    page = client.get("/tasks/", HTTP_ACCEPT="text/html").content.decode()
    assert 'id="id__content_type"' in page
    assert "application/json" in page


# --- unicode ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "Back\x00up"},
        {"name": "Backup", "description": "line one\x00line two"},
        {"name": "\x00"},
    ],
    ids=["NUL in name", "NUL in description", "only NUL"],
)
def test_nul_is_400_on_every_database(token_client, fields):
    error = assert_clear_4xx(token_client.post("/tasks/", fields, format="json"))
    assert "Null characters" in json.dumps(error)
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/tasks/?search=back%00up",
        "/tasks/?ordering=name%00",
        "/notifications/?type=system%00",
        "/tasks/%00",
        "/tasks/1%00",
    ],
)
def test_nul_in_a_query_or_path_is_a_4xx(token_client, task, path):
    response = token_client.get(path)
    assert response.status_code in (400, 404)
    assert "detail" in response.json() or response.status_code == 400


@pytest.mark.parametrize("path", ["/?q=back%00up", "/board/columns?q=back%00up"])
def test_nul_in_the_board_search_is_dropped_not_a_500(client, task, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Nightly backup" in response.content.decode()  # searched for "backup"


def test_nul_in_a_legacy_query_parameter_is_400_and_changes_nothing(token_client, task):
    before = snapshot()
    response = token_client.patch(f"/tasks/{task.pk}?name=a%00b&status=done")
    assert_clear_4xx(response)
    assert snapshot() == before


@pytest.mark.parametrize("text", ["\\ud800", "a\\udfffb"], ids=["lone high", "lone low"])
def test_lone_surrogates_are_400(token_client, text):
    assert_clear_4xx(post_raw(token_client, '{"name": "' + text + '"}'))
    assert not Task.objects.exists()


VALID_TEXT = {
    "emoji": "Deploy 🚀 by 👩🏽‍💻 ✅",
    "right-to-left": "\u202eevil.exe\u202c  مرحبا بالعالم  שלום",
    "combining marks": "Z\u0351\u0353a\u0306\u0308l\u0361g\u0320o\u0489",
    "zero-width": "zero\u200bwidth\u200djoiner\ufeff",
    "CJK": "夜间备份 — 数据库和文件",
    "astral plane": "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𓂀 🀄",
}


@pytest.mark.parametrize("text", VALID_TEXT.values(), ids=VALID_TEXT.keys())
def test_unicode_text_is_stored_exactly_as_sent(token_client, text):
    response = token_client.post(
        "/tasks/", {"name": text[:200], "description": text}, format="json"
    )
    assert response.status_code == 200
    stored = Task.objects.get()
    assert (stored.name, stored.description) == (text[:200], text)
    assert token_client.get(f"/tasks/{stored.pk}").json()["description"] == text


def test_a_name_of_200_emoji_fits_and_201_do_not(token_client):
    assert token_client.post("/tasks/", {"name": "🚀" * 200}, format="json").status_code == 200
    assert_clear_4xx(token_client.post("/tasks/", {"name": "🚀" * 201}, format="json"))
    assert Task.objects.get().name == "🚀" * 200


def test_a_description_of_10k_characters_is_stored_and_one_more_is_400(token_client):
    text = "é🚀a" * 3333 + "z"  # 10,000 characters, 15,000+ bytes of UTF-8
    assert len(text) == 10_000
    created = token_client.post("/tasks/", {"name": "Long", "description": text}, format="json")
    assert created.status_code == 200
    too_long = token_client.post("/tasks/", {"name": "Long", "description": text + "!"})
    assert_clear_4xx(too_long)
    assert list(Task.objects.values_list("description", flat=True)) == [text]


def test_a_10k_character_name_is_400(token_client):
    error = assert_clear_4xx(token_client.post("/tasks/", {"name": "n" * 10_000}, format="json"))
    assert "name" in error
    assert not Task.objects.exists()


@pytest.mark.parametrize("name", ["", "   ", "\t\n", "\u3000"])
def test_a_blank_name_is_400(token_client, name):
    assert_clear_4xx(token_client.post("/tasks/", {"name": name}, format="json"))
    assert not Task.objects.exists()


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "stored"), [("30", 30.0), ("0.5", 0.5), (" 15 ", 15.0), ("1e2", 100.0)]
)
def test_an_interval_as_a_numeric_string_is_read_as_the_number(token_client, sent, stored):
    response = token_client.post("/tasks/", {"name": "x", "interval_minutes": sent}, format="json")
    assert response.status_code == 200
    assert Task.objects.get().interval_minutes == stored


def test_a_position_as_a_numeric_string_is_read_as_the_number(token_client, make_task):
    make_task("First")
    make_task("Second")
    response = token_client.post("/tasks/", {"name": "Top", "position": "0"}, format="json")
    assert response.status_code == 200
    assert column_names("todo") == ["Top", "First", "Second"]


@pytest.mark.parametrize(
    "body",
    [
        '{"name": "x", "interval_minutes": NaN}',
        '{"name": "x", "interval_minutes": Infinity}',
        '{"name": "x", "interval_minutes": -Infinity}',
        '{"name": "x", "interval_minutes": "NaN"}',
        '{"name": "x", "interval_minutes": "nan"}',
        '{"name": "x", "interval_minutes": "Infinity"}',
        '{"name": "x", "interval_minutes": "-inf"}',
        '{"name": "x", "interval_minutes": 1e400}',
        '{"name": "x", "interval_minutes": "1e400"}',
        '{"name": "x", "interval_minutes": 0}',
        '{"name": "x", "interval_minutes": -0.0}',
        '{"name": "x", "interval_minutes": -5}',
        '{"name": "x", "interval_minutes": 525601}',
        '{"name": "x", "interval_minutes": "thirty"}',
        '{"name": "x", "interval_minutes": ""}',
        '{"name": "x", "interval_minutes": null}',
        '{"name": "x", "interval_minutes": [30]}',
        '{"name": "x", "interval_minutes": {"minutes": 30}}',
        '{"name": "x", "interval_minutes": true}',
        '{"name": "x", "interval_minutes": false}',
    ],
)
def test_an_invalid_interval_is_400_and_stores_nothing(token_client, body):
    error = assert_clear_4xx(post_raw(token_client, body))
    assert "interval_minutes" in error or "JSON parse error" in error.get("detail", "")
    assert not Task.objects.exists()


def test_a_boolean_position_is_400(token_client):
    error = assert_clear_4xx(post_raw(token_client, '{"name": "x", "position": true}'))
    assert "position" in error
    assert not Task.objects.exists()


@pytest.mark.parametrize("interval", ["NaN", "Infinity", "0", "-1", "abc"])
def test_an_invalid_interval_in_the_query_string_is_400(token_client, task, interval):
    before = snapshot()
    assert_clear_4xx(token_client.put(f"/tasks/{task.pk}?interval_minutes={interval}"))
    assert snapshot() == before


@pytest.mark.parametrize("position", [-1, "-1", 1.5, "one", 10**30, -(10**30), None, True], ids=str)
def test_an_invalid_position_is_400(token_client, position):
    response = token_client.post("/tasks/", {"name": "x", "position": position}, format="json")
    assert_clear_4xx(response)
    assert not Task.objects.exists()


def test_the_largest_position_accepted_means_the_end_of_the_column(token_client, make_task):
    make_task("First")
    response = token_client.post("/tasks/", {"name": "Last", "position": 2**31 - 1}, format="json")
    assert response.status_code == 200
    assert column_names("todo") == ["First", "Last"]


@pytest.mark.parametrize("field", ["before", "after"])
@pytest.mark.parametrize(
    "anchor", [0, -1, "-1", 1.5, "one", 10**30, None, True, [1], {"id": 1}], ids=str
)
def test_an_invalid_anchor_is_400(token_client, field, anchor):
    response = token_client.post("/tasks/", {"name": "x", field: anchor}, format="json")
    assert field in assert_clear_4xx(response)
    assert not Task.objects.exists()


# --- ids ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "task_id", ["0", "-1", "-0", "1.5", "1e3", "abc", "99999999999999999999999", "%20", "0x1"]
)
@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_a_zero_negative_or_malformed_task_id_is_404(token_client, task, method, task_id):
    before = snapshot()
    response = getattr(token_client, method)(f"/tasks/{task_id}", {"name": "x"}, format="json")
    assert assert_clear_4xx(response, status=404) == {"detail": "Task not found"}
    assert snapshot() == before


@pytest.mark.parametrize("notification_id", ["0", "-1", "abc", "99999999999999999999999"])
def test_a_zero_negative_or_malformed_notification_id_is_404(token_client, notification_id):
    response = token_client.patch(f"/notifications/{notification_id}/read")
    assert_clear_4xx(response, status=404)


@pytest.mark.parametrize(
    "query",
    [
        "task=0",
        "task=-1",
        "task=abc",
        "task=99999999999999999999999",
        "limit=0",
        "offset=-1&limit=1",
    ],
)
def test_a_zero_negative_or_malformed_filter_is_400(token_client, query):
    assert_clear_4xx(token_client.get(f"/notifications/?{query}"))


# --- injection payloads stored as plain text ----------------------------------------------------

PAYLOADS = [
    "'; DROP TABLE tasks_task; --",
    "1 OR 1=1",
    '" OR ""="',
    "Robert'); DELETE FROM notifications_notification; --",
    "%' UNION SELECT id, name FROM auth_user --",
    "<script>window.__xss = 1</script>",
    '<img src=x onerror="alert(1)">',
    "{{ 7*7 }} {% debug %} ${7*7}",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sql_and_html_payloads_are_stored_as_plain_text(token_client, task, payload):
    response = token_client.post(
        "/tasks/", {"name": payload, "description": payload}, format="json"
    )
    assert response.status_code == 200
    assert Task.objects.filter(name=payload, description=payload).count() == 1
    assert Task.objects.filter(pk=task.pk).exists()  # nothing dropped or deleted


@pytest.mark.parametrize("payload", ["%", "_", "' OR '1'='1", "\\", "%' --"])
def test_sql_wildcards_and_quotes_in_search_match_literally(token_client, make_task, payload):
    make_task("Plain task")
    match = make_task(f"Task with {payload} inside")
    found = token_client.get("/tasks/", {"search": payload}).json()
    assert [row["id"] for row in found] == [match.pk]


# --- nothing stored half-way --------------------------------------------------------------------


def test_one_bad_field_rejects_the_whole_create(token_client):
    body = {"name": "Fine", "description": "fine", "status": "archived", "interval_minutes": 5}
    error = assert_clear_4xx(token_client.post("/tasks/", body, format="json"))
    assert list(error) == ["status"]
    assert not Task.objects.exists()


def test_one_bad_field_rejects_the_whole_edit(token_client, task):
    before = snapshot()
    body = {"name": "Renamed", "status": "done", "interval_minutes": "NaN"}
    assert_clear_4xx(token_client.patch(f"/tasks/{task.pk}", body, format="json"))
    assert snapshot() == before  # not renamed, not done, no completion notification


def test_a_rejected_move_to_done_writes_no_notification(token_client, task):
    response = token_client.patch(
        f"/tasks/{task.pk}?status=done", {"interval_minutes": -1}, format="json"
    )
    assert_clear_4xx(response)
    assert not Notification.objects.exists()
    assert Task.objects.get(pk=task.pk).status == "in_progress"


# --- errors raised by the framework -------------------------------------------------------------


def test_method_not_allowed_is_405_listing_allowed_methods(token_client):
    response = token_client.delete("/tasks/")
    assert response.status_code == 405
    assert response.json()["detail"] == (
        'Method "DELETE" not allowed. Allowed methods: GET, POST, HEAD, OPTIONS.'
    )


def test_django_validation_error_becomes_400_with_field_messages():
    error = DjangoValidationError({"name": ["This field may not be blank."]})
    response = api_exception_handler(error, {})
    assert response.status_code == 400
    assert response.data == {"name": ["This field may not be blank."]}


# --- the ASGI guard: refuses before Django reads the body ---------------------------------------


async def echo_body_length(scope, receive, send):
    """A stand-in ASGI app that reads the whole body and answers its length."""
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(size).encode()})


def call_asgi(app, headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> tuple[list, int]:
    """POST `chunks` to an ASGI app as a client would; returns the messages sent back and how many
    times the app read from the client."""
    sent: list[dict] = []
    pending = [
        {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        for index, chunk in enumerate(chunks)
    ]
    reads = 0

    async def receive():
        nonlocal reads
        reads += 1
        if pending:
            return pending.pop(0)
        await asyncio.sleep(3600)  # the client stays connected until the answer is sent

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/tasks/",
        "raw_path": b"/tasks/",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"localhost"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    asyncio.run(limit_request_body(app)(scope, receive, send))
    return sent, reads


def test_asgi_guard_refuses_a_large_content_length_without_reading():
    headers = [(b"content-length", str(MIB + 1).encode())]
    sent, reads = call_asgi(echo_body_length, headers, [b"x" * (MIB + 1)])
    assert sent[0]["status"] == 413
    assert b"1 MiB" in sent[1]["body"]
    assert reads == 0


def test_asgi_guard_stops_reading_an_endless_body_sent_without_length():
    sent, _ = call_asgi(echo_body_length, [], [b"x" * 600_000, b"x" * 600_000, b"x" * 600_000])
    assert [message["status"] for message in sent if "status" in message] == [413]


def test_asgi_guard_stops_reading_a_chunked_body_over_the_limit():
    chunks = [b"x" * 600_000, b"x" * 600_000, b"x" * 600_000]
    sent, reads = call_asgi(echo_body_length, [(b"transfer-encoding", b"chunked")], chunks)
    assert [message["status"] for message in sent if "status" in message] == [413]
    assert reads == 2


def test_asgi_guard_passes_bodies_within_the_limit():
    sent, _ = call_asgi(echo_body_length, [(b"content-length", b"10")], [b"x" * 10])
    assert (sent[0]["status"], sent[1]["body"]) == (200, b"10")
