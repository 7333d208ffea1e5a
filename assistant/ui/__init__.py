"""Gradio review UI: one module per tab; every action goes through the library."""
