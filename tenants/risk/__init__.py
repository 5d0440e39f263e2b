"""Risk warnings (风险预警): collusion (围标串标) rules over a project's bids, a queue of
warnings that a head-office person confirms or dismisses."""
