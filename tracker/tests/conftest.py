import os
import subprocess
import sys

import pytest

from tracker.tests.servers import BASE_DIR


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> str:
    """collectstatic as the image runs it, into a temporary STATIC_ROOT for servers started by tests."""
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR,
        env={**os.environ, "STATIC_ROOT": str(root)},
        check=True,
        timeout=300,
    )
    return str(root)
