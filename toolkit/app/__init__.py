"""Interactive pages: the tier calculator (toolkit.app.tier_app) shown in notebook 03 and served by `judgstat app`."""
