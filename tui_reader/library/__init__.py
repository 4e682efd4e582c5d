"""A folder of stories: scanning, the metadata index cache and sorting."""
