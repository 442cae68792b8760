"""Each tab's text, built from model values by plain functions: testable without an app, and
the only place a tab's words live (the widgets show what these return)."""
