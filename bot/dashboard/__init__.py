"""The staff dashboard: where workers see, claim and close call back requests."""
