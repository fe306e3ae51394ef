"""kjtui — 客户经理工作本, the customer manager's work notebook."""

__version__ = "0.1.0"
