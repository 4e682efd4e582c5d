"""HTML into story Markdown: cleaning, conversion, escaping, page metadata and article
extraction, shared by feeds, saved pages and ``.html`` files in the library."""
