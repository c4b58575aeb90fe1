"""Re-export: moved to toolkit.crimes.personal_information.whatif (toolkit.tiers stays importable)."""

from toolkit.crimes.personal_information.whatif import *  # noqa: F401,F403
