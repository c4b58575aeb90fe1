"""Re-export: moved to toolkit.crimes.personal_information.records (toolkit.tiers stays importable)."""

from toolkit.crimes.personal_information.records import *  # noqa: F401,F403
