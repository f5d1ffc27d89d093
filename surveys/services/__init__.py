"""Every write of the surveys app, one module per kind of thing.

- rounds: open, edit, start and close a survey (closing hands results to metrics).
- contacts: a TLO's customer list, entered or uploaded.
- invitations: single-use links, outbox messages, letters, reminders.
- answers: a customer's answer through the link.
- erasure: personal data erased thirty days after closing.
"""
