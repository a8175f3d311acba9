"""Alert messages as pure functions: subject lines, old → new, the email's text and HTML parts.

No clock, no database, no SMTP: releasewatch.alerts loads the events and sends what these build,
and reports can reuse the same sentences.
"""
