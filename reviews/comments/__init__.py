"""Comments anchored to a passage of a revision's body: threads, replies, resolution."""
