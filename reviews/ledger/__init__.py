"""The claim-source ledger: which claim a reviewer checked against which cited source, and how it stood."""
