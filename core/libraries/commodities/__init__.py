"""The commodity information library (商品信息库): items, reference prices, suppliers."""
