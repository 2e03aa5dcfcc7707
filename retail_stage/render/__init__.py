"""Renderers: one module per output, chosen through `OutputFormat`."""
