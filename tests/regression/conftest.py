# Wiring for the regression suite's Python tests: the seed contract and an opened article.
from pathlib import Path

import pytest
import yaml

from pages import ArticlePage


@pytest.fixture(scope="session")
def seed():
    return yaml.safe_load((Path(__file__).with_name("seed_content.yaml")).read_text(encoding="utf-8"))


@pytest.fixture
def article_page(page, base_url, site_settings) -> ArticlePage:
    return ArticlePage(page, base_url).open(site_settings.site["article_path"])
