"""Self-contained replica of a Korea Times article page (2022-2023 site) for the regression suite."""
from .content import SEED_ARTICLE_PATH, generate_articles, generated_article_paths
from .server import DemoSite

__all__ = ["DemoSite", "SEED_ARTICLE_PATH", "generate_articles", "generated_article_paths"]
