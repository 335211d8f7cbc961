"""Qt-free document layer: bytes in, a clean canonical `Document` out."""
