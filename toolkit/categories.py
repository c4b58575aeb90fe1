"""Re-export: the personal-information categories now live in toolkit.crimes.personal_information.categories."""

from toolkit.crimes.personal_information.categories import (  # noqa: F401
    CATEGORIES, CATEGORY_CODES, InfoCategory, chinese_name, normalise_category,
)
