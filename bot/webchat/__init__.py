"""The local web chat a volunteer opens to try the bot."""
