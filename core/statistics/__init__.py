"""Statistics (统计分析) of the sub-platforms for head office and the regulators: monthly
rollups of the base tables, read as sums over the months of a period."""
