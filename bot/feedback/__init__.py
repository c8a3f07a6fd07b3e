"""Feedback on answers and error reports the user chooses to send.

Votes are counts (verdict, documents, rule version, front end, language), never text or a user id.
A report holds the question the user sent *again*, on purpose, after being told the team will read
it; identifiers are masked before anything is written. Nothing here may ever make answering fail:
the store is best effort, and every refusal is counted and explained.
"""
