"""Notifications (通知) of head-office decisions: in-app notices and an e-mail outbox."""
