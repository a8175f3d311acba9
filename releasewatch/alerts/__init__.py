"""Sending alerts: the outbox sender (send_pending), the SMTP conversation, the channel registry."""
from __future__ import annotations

from releasewatch.alerts.outbox import SendSummary, preview_pending, send_pending, send_test

__all__ = ["SendSummary", "preview_pending", "send_pending", "send_test"]
