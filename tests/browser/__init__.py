"""Helpers for the real-browser tests of the helpdesk page (tests/test_web_browser.py)."""
