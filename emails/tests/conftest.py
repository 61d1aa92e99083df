import pytest


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit():` runs what was deferred to transaction.on_commit, as a real
    commit would (tests run inside one transaction that never commits)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
