"""The integrations face: API tokens, the write API, webhooks (models here; services and views beside)."""
