"""The tamper-evident audit chain (审计日志): one hash-chained entry per state change."""
