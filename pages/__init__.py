"""Page objects: regions with one root locator each; locators and verbs only."""
from .base import ArticlePage, BasePage, ListPage, PageNotLoaded
from .components import COMPONENTS, locate

__all__ = ["ArticlePage", "BasePage", "ListPage", "PageNotLoaded", "COMPONENTS", "locate"]
