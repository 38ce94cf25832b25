"""Custom Rasa actions (rasa_sdk). Run with: python -m rasa_sdk --actions actions"""

from actions.state import get_content
from bot.detect import warm_up

# The content in every language and the language detector are loaded when the action server
# starts (a few seconds), not while the first user waits for an answer.
get_content()
warm_up()
