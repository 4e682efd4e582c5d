"""The domain: story files and their model, front matter, dates, text safety, the plain-text
document, settings and paths. Imports nothing else from tui_reader and never Textual."""
