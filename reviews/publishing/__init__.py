"""What readers see: publications, scheduled publishing, the compliance dossier and the audit log."""
