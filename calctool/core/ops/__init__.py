"""The operations, one module per command: Python values in, a frozen result out.

An operation never imports another operation; shared work lives in
`calctool.core.engines`.
"""
