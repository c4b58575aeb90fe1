"""Re-export: moved to toolkit.crimes.personal_information.rules (toolkit.tiers stays importable)."""

from toolkit.crimes.personal_information.rules import *  # noqa: F401,F403
from toolkit.crimes.personal_information.rules import RULES_PATH, CategoryGroup, Rules, load_rules  # noqa: F401,E402
