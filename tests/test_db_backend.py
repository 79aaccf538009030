"""config.db_backend: the health check answers from the socket for an idle, healthy connection
and still notices a connection the server has ended."""

import pytest
from django.db import connection, connections

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_connection():
    """A connection of its own (the test's own one is inside the test transaction)."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def _backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _last_statement(pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row[0] if row else ""


def _terminate(pid: int) -> None:
    """Ends that server session, as a restart or an idle timeout would, and waits until the
    server has let it go (its goodbye reaches the socket soon after)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone() == (True,)
    for _attempt in range(50):
        if not _last_statement(pid):
            return
        connection.cursor().execute("SELECT pg_sleep(0.02)")


def test_an_idle_healthy_connection_is_usable_without_a_round_trip(second_connection):
    pid = _backend_pid(second_connection)
    with second_connection.cursor() as cursor:
        cursor.execute("SELECT 'fengshou marker'")

    assert second_connection.is_usable() is True
    # The server saw no `SELECT 1`: its last statement is still ours.
    assert _last_statement(pid) == "SELECT 'fengshou marker'"


def test_a_connection_the_server_ended_is_not_usable(second_connection):
    pid = _backend_pid(second_connection)
    _terminate(pid)

    assert second_connection.is_usable() is False


def test_after_an_error_the_server_is_asked(second_connection):
    """errors_occurred makes Django ask whether the connection survived: the full check runs
    (the server's last statement becomes `SELECT 1`)."""
    pid = _backend_pid(second_connection)
    second_connection.errors_occurred = True

    assert second_connection.is_usable() is True
    assert _last_statement(pid) == "SELECT 1"


def test_the_health_check_replaces_a_dead_connection_before_the_next_query(second_connection):
    pid = _backend_pid(second_connection)
    _terminate(pid)
    second_connection.health_check_enabled = True
    second_connection.close_if_unusable_or_obsolete()  # what request_started does

    assert _backend_pid(second_connection) != pid
