"""The formats notes leave and come back in: Markdown, W3C Web Annotations, Hypothesis,
CSV and our own JSON. No Textual here."""
