"""judgstat toolkit: parse, load, tier and analyse Chinese criminal judgments."""

__version__ = "0.1.0"
