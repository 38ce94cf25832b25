"""Callback requests: what a survivor asked for, kept safely for the staff who call back."""
