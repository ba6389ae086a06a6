"""The public pages' views, one module per kind of page (see urls.py)."""
