"""The living review: the store, update, corrections, exports and the reviewer app."""
