"""Re-export: moved to toolkit.crimes.personal_information.engine (toolkit.tiers stays importable)."""

from toolkit.crimes.personal_information.engine import *  # noqa: F401,F403
from toolkit.crimes.personal_information.engine import TIER_EN, TIER_ZH, TIERS, CaseFacts, TierResult, assess, tier_rank  # noqa: F401,E402
