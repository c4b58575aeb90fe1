"""Figure style with a CJK font, and saving figures to figures/ as PNG and SVG.

The font is Noto Sans CJK SC (SIL Open Font Licence), installed as part of the
`mplfonts` wheel so no system font is needed. Call `setup()` after any seaborn
theme call: seaborn's themes replace the font list.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from toolkit.paths import figures_dir  # noqa: E402

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
CJK_FONT_FAMILY = "Noto Sans CJK SC"


def cjk_font_path() -> Path:
    """Path of the bundled Noto Sans CJK SC font; RuntimeError if the install lacks it."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("package 'mplfonts' is not installed; run `make test` or `pip install -e .`")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / CJK_FONT_FILE
    if not path.is_file():
        raise RuntimeError(f"CJK font not found at {path}")
    return path


def setup(context: str = "notebook") -> None:
    """Seaborn theme plus the CJK font; deterministic SVG/PNG output."""
    import seaborn as sns

    sns.set_theme(context=context, style="whitegrid")
    path = cjk_font_path()
    if CJK_FONT_FAMILY not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(path))
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [CJK_FONT_FAMILY, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    matplotlib.rcParams["svg.hashsalt"] = "judgstat"
    matplotlib.rcParams["svg.fonttype"] = "path"


def save_figure(fig: plt.Figure, name: str, folder: Path | None = None) -> list[Path]:
    """Save `fig` as <folder or figures/>/<name>.png and .svg (no timestamps, so reruns are byte-stable)."""
    out = Path(folder) if folder is not None else figures_dir()
    paths = [out / f"{name}.png", out / f"{name}.svg"]
    fig.savefig(paths[0], dpi=150, bbox_inches="tight", metadata={"Software": None})
    fig.savefig(paths[1], bbox_inches="tight", metadata={"Date": None, "Creator": None})
    return paths
