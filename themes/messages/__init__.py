"""The message catalogue, one module per area, each with ``MESSAGES = {key: (zh-CN, en)}``.
:mod:`themes.i18n` merges them all."""
