"""Reusable mathematics shared by the operations.

Engines never import an operation (`calctool.core.ops`): what two operations
share lives here, under a public name.
"""
