"""Page objects: regions with one root locator each; locators and verbs only."""
from .base import ArticlePage, BasePage, PageNotLoaded
from .components import COMPONENTS, locate

__all__ = ["ArticlePage", "BasePage", "PageNotLoaded", "COMPONENTS", "locate"]
