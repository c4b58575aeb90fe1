"""`make reproduce` output: one line per notebook with the figures it wrote, kernel noise kept in a log,
a failing notebook named on one line with where to look (exit 1)."""

from __future__ import annotations

import nbformat
import pytest

from toolkit.run_notebooks import main


def _notebook(path, source: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.mark.notebook
def test_one_line_per_notebook_and_no_kernel_noise(tmp_path, capfd):
    good, bad = tmp_path / "91_good.ipynb", tmp_path / "92_bad.ipynb"
    _notebook(good, "import os, pathlib\n"
                    "from toolkit import plotting\nimport matplotlib.pyplot as plt\n"
                    "fig, ax = plt.subplots(); ax.plot([1, 2])\nplotting.save_figure(fig, '91_line')\n"
                    "import sys; print('kernel stderr noise', file=sys.__stderr__)")
    _notebook(bad, "raise ValueError('this notebook is broken')")
    figures = tmp_path / "figures"
    code = main(["--figures", str(figures), "--output-dir", str(tmp_path / "out"), str(good), str(bad)])
    captured = capfd.readouterr()
    assert code == 1
    lines = [line for line in captured.out.splitlines() if line.strip()]
    assert len(lines) == 3, captured.out
    assert lines[0].startswith("91_good.ipynb: ok") and "91_line.png" in lines[0]
    assert lines[1].startswith("92_bad.ipynb: FAILED") and "this notebook is broken" in lines[1]
    assert lines[2].startswith("1 of 2 notebooks ran")
    assert "TCP" not in captured.err and "kernel stderr noise" not in captured.err
    assert (figures / "91_line.png").is_file()


@pytest.mark.notebook
def test_reproduce_reads_the_repository_data_only_unless_told(tmp_path, monkeypatch):
    """figures/ must be what a fresh clone draws, so `make reproduce` hides ../shared from the notebooks."""
    shared = tmp_path / "shared"
    shared.mkdir()
    monkeypatch.setenv("JUDGSTAT_SHARED_DATA", str(shared))
    notebook = tmp_path / "93_shared.ipynb"
    _notebook(notebook, "from toolkit.paths import shared_data_dir\n"
                        "import pathlib\npathlib.Path('seen.txt').write_text(str(shared_data_dir()))")
    for flags, seen in (([], "None"), (["--with-shared"], str(shared))):
        code = main(["--figures", str(tmp_path / "figures"), "--output-dir", str(tmp_path / "out"), *flags, str(notebook)])
        assert code == 0
        assert (tmp_path / "seen.txt").read_text() == seen, flags
    import os

    assert "JUDGSTAT_NO_SHARED_DATA" not in os.environ  # restored after the run
