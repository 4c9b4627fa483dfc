"""The advisory board: reviewer profiles and their verified credentials."""
