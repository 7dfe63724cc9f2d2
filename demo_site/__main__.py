"""python -m demo_site [--port 8000] [--host 127.0.0.1] [--mutation NAME] [--news-day 1|2|3|4] [--articles N] ..."""
from __future__ import annotations

import argparse
import sys

from . import mutations
from .content import NEWS_DAYS, generated_article_paths


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m demo_site", description="Serve the Korea Times demo replica.")
    p.add_argument("--port", type=int, default=8000, help="port (0 = pick a free one); default 8000")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--mutation", default=None, help="serve a deliberate defect (see --list-mutations)")
    p.add_argument("--news-day", type=int, choices=NEWS_DAYS, default=1,
                   help="which day of news to serve: 1 = the seed day (default), 2 = the next day, "
                        "3 = day 2 with a longer seed story, 4 = day 2 with a shorter one under a taller photo")
    p.add_argument("--articles", type=int, default=0, metavar="N", help="add N generated articles (load tests)")
    p.add_argument("--font-delay", type=float, default=0.3, help="seconds to delay the Lora font (default 0.3)")
    p.add_argument("--verbose", action="store_true", help="log every request to stderr")
    p.add_argument("--list-mutations", action="store_true", help="print mutation names and exit")
    p.add_argument("--list-articles", action="store_true",
                   help="print the paths of the N generated articles (--articles N) and exit")
    args = p.parse_args(argv)

    if args.list_mutations:
        # What must catch each is the test suite's (tests/self/expectations.py), not the replica's.
        for name in mutations.names():
            print(f"{name}\t{mutations.REGISTRY[name].description}")
        return 0
    if args.list_articles:
        print("\n".join(generated_article_paths(args.articles)))
        return 0
    if args.mutation is not None and args.mutation not in mutations.REGISTRY:
        print(f"error: unknown mutation {args.mutation!r}; valid names: {', '.join(mutations.names())}",
              file=sys.stderr)
        return 2

    from .server import DemoSite
    site = DemoSite(port=args.port, host=args.host, mutation=args.mutation, articles=args.articles,
                    font_delay=args.font_delay, verbose=args.verbose, news_day=args.news_day)
    site.start()
    print(f"Serving demo site at {site.url}/", flush=True)
    try:
        site.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
