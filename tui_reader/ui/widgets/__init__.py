"""Widgets of the reader; each module owns one widget and its messages."""
