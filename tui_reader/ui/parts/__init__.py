"""The pieces the main screen is composed of: each owns one job (loading the library, opening
stories, notes, bookmarks, feeds) and reports back with messages; none is a screen."""
