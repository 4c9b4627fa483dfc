"""Reviewer assignments and their decisions: invitations, answers, signed reviews, the reviewer pages' reads."""
