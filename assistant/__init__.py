"""Editorial assistant for community managers: brief in, checked variants per network out."""

__version__ = "0.1.0"
