from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.paths import shared_data_dir


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, or skip: a user's clone has no ../shared (the repo's own fixtures still run)."""
    path = shared_data_dir()
    if path is None:
        pytest.skip("../shared/data is absent (only present in the project's workplace); repo fixtures cover the feature")
    return path
