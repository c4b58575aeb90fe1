"""Re-export: moved to toolkit.crimes.personal_information.standards (toolkit.tiers stays importable)."""

from toolkit.crimes.personal_information.standards import *  # noqa: F401,F403
