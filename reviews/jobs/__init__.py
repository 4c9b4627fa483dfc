"""Time-based and batch work: reminders, the evidence watch, due jobs and article imports."""
