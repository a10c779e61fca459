"""Shop: products, a cart, checkout and orders, with payment providers from plugins.

The entry point ``plughost.plugins: shop`` points at :data:`plugin`.
"""

from plugins.shop.plugin import Shop

plugin = Shop()

__all__ = ["Shop", "plugin"]
