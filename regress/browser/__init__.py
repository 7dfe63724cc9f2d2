"""Browser layer: finding Chromium and its flags, stable captures, geometry of components."""
