"""The Docker-free local stack (template reading, the invoker, the gateway, local AWS endpoints), and
the harness the tests and the benchmarks drive it with (local/testing.py)."""
