"""Reference implementation of Python 3.13's ``http.client`` API.

The public module is :mod:`reference.client`; the other modules are its
sans-I/O core (:mod:`reference.heads`, :mod:`reference.framing`) and its
named limits (:mod:`reference.limits`) and exceptions (:mod:`reference.errors`).
"""
