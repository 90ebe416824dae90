"""Developer tools the Makefile runs; nothing here is deployed."""
