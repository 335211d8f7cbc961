"""Qt-free search: fold the text, index it with Whoosh, answer queries with exact hit offsets."""
