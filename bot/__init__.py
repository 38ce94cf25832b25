"""Information chatbot for survivors of modern slavery in the UK."""
