"""Deployment, service start-up and configuration (部署与配置)."""
