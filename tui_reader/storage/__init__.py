"""The one place that touches TinyDB: bookmarks, annotations, reading state, drafts and feeds,
written atomically and durably under a file lock (see :mod:`tui_reader.storage.base`)."""
