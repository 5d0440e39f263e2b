"""The head-office console (服务平台管理后台)."""
