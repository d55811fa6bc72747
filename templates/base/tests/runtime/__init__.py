"""The runtime's own tests, kept current by `update`; a package, so their names never clash with yours in tests/."""
