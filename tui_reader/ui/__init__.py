"""Everything Textual: the app, its driver, screens and widgets. The only package that imports
textual; it reaches the store only through the domain's services and records."""
