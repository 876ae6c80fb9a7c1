"""The model's version (one place; read by results attributes, manifests and memos)."""
__version__ = "0.1.0"
