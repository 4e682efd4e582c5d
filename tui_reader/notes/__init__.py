"""What a reader does with notes, without a UI: the annotation service (drafts, undo, every
write with a typed outcome), citations, and notes in and out of the reader."""
