"""Qt-free annotations: the user's highlights and notes, stored safely and re-anchored."""
