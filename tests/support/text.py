"""What a reader sees: the visible text of an HTML page, whitespace folded."""

from html.parser import HTMLParser


class _TextExtractor(HTMLParser):
    SKIP = {"script", "style", "template"}

    def __init__(self):
        super().__init__()
        self.parts = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html):
    if isinstance(html, bytes):
        html = html.decode()
    parser = _TextExtractor()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())
