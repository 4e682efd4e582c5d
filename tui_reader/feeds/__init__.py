"""Feeds: fetch RSS, Atom and JSON Feed documents and turn their entries into story files.

The library stays a folder of plain story files; a feed is only a way to fill it. Pure
domain package: nothing here imports Textual.
"""
