"""Pure engines: the image diff and the link checker. No browser, no pytest."""
