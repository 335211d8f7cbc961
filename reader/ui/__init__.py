"""The PySide6 user interface: thin widgets that show core state and turn gestures into calls."""
