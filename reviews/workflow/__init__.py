"""The write side's floor: the article transition table and its functions, review rounds, the approval gate."""
