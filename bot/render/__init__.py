"""Renderers turn core answers into text for a person or JSON for a program."""
