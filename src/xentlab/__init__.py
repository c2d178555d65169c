"""xentlab: the cross-entropy loss, derived, computed and checked."""

__version__ = "0.1.0"
