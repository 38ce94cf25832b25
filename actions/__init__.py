"""Custom Rasa actions (rasa_sdk). Run with: python -m rasa_sdk --actions actions"""
