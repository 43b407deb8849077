"""Renderers: rich (terminal), plain (pipes), JSON, LaTeX, plots. They never compute."""
