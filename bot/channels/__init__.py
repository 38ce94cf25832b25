"""Real channels (Twilio SMS/WhatsApp, Telegram) as Rasa input channels."""
