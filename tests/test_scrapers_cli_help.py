"""`judgstat scrape --help` describes the options that exist (issue #16): no statistics channel, --channel for 12309 too."""

from __future__ import annotations

import pytest

from toolkit.cli import main


@pytest.mark.parametrize("argv", [["scrape", "--help"], ["scrape", "12309", "--help"], ["scrape", "spc", "--help"]])
def test_scrape_help_names_real_channels_only(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "statistics" not in text
    assert "guiding-cases" in text and "typical-cases" in text
    assert "channelLevels" in text and "--fetcher" in text and "--daily-cap" in text
