"""`make bench`: every figure measured beside its baseline in the same run, printed as one table."""
