"""The Docker-free local stack: template reading, the invoker, the gateway and local AWS endpoints."""
