"""The local stack: AWS stand-ins (moto) wired to the real handlers, for tests and `make demo`."""
