"""Readers that turn other real problem sets into the LiveCodeBench record format."""
