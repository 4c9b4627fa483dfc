"""Email templates editors-in-chief may change; the files under templates/reviews/email/ are the defaults."""
