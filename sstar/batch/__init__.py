"""Batch runs over many problems (``sstar bench``) and their scoring (``sstar score``)."""
