"""The application around the core: where files live, settings, bundled resources, atomic
writes, the composition root and the entry point."""
