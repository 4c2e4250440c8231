"""Jupyter kernel front end for Beleidstaal (see kernel/README or docs)."""
