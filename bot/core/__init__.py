"""Domain core: types, ports, rules and the message pipeline. Imports nothing but the stdlib."""
