"""Reading rendered pages in tests: a small HTML tree (the standard library's parser, no extra package) and
the GOV.UK error summary checks the markup tests share."""

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: list[tuple[str, str | None]], parent: "Element | None"):
        self.tag = tag
        self.attrs = {name: value or "" for name, value in attrs}
        self.parent = parent
        self.children: list[Element | str] = []

    def __repr__(self) -> str:
        shown = " ".join(f'{k}="{v}"' for k, v in self.attrs.items())
        return f"<{self.tag} {shown}>"

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join(" ".join(parts).split())

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list["Element"]:
        return [
            e
            for e in self.iter()
            if e is not self and (tag is None or e.tag == tag) and (cls is None or cls in e.classes)
        ]

    def closest(self, tag: str | None = None, cls: str | None = None) -> "Element | None":
        node = self.parent
        while node is not None:
            if (tag is None or node.tag == tag) and (cls is None or cls in node.classes):
                return node
            node = node.parent
        return None


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", [], None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def by_id(root: Element) -> dict[str, Element]:
    return {e.attrs["id"]: e for e in root.iter() if e.attrs.get("id")}


def error_summary_problems(root: Element, *, title: str = "There is a problem") -> list[str]:
    """Problems with the page's error summary, which must be the only one: GOV.UK's markup (data-module,
    role="alert" inside, the title), one item per error, and every link going to a form control on the page."""
    summaries = root.find_all(cls="govuk-error-summary")
    if len(summaries) != 1:
        return [f"{len(summaries)} error summaries, expected 1"]
    summary, problems = summaries[0], []
    if summary.attrs.get("data-module") != "govuk-error-summary":
        problems.append('the error summary lacks data-module="govuk-error-summary"')
    alert = [e for e in summary.find_all("div") if e.attrs.get("role") == "alert"]
    if len(alert) != 1:
        problems.append('the error summary has no role="alert" container')
    heading = summary.find_all("h2", "govuk-error-summary__title")
    if not heading or heading[0].text() != title:
        problems.append(f"the error summary's title is not {title!r}")
    lists = summary.find_all("ul", "govuk-error-summary__list")
    items = lists[0].find_all("li") if lists else []
    if not items:
        problems.append("the error summary lists no errors")
    ids = by_id(root)
    for item in items:
        for link in item.find_all("a"):
            href = link.attrs.get("href", "")
            target = ids.get(href.removeprefix("#"))
            if not href.startswith("#") or target is None:
                problems.append(f"error summary link {href!r} ({link.text()!r}) goes to nothing on the page")
            elif target.tag not in ("input", "select", "textarea"):
                problems.append(f"error summary link {href!r} goes to a <{target.tag}>, not to a form control")
    return problems


def summary_items(root: Element) -> list[tuple[str | None, str]]:
    """The error summary's items: (the link's href, or None for an item without a link; the text)."""
    found = []
    for summary in root.find_all(cls="govuk-error-summary"):
        for item in summary.find_all("li"):
            links = item.find_all("a")
            found.append((links[0].attrs.get("href") if links else None, item.text()))
    return found


CSS_CLASS = re.compile(r"\.((?:[\w-]|\\.)+)")


def css_classes(css: str) -> set[str]:
    """Every class a stylesheet's selectors name (`.govuk-\\!-width-full` is `govuk-!-width-full`)."""
    return {re.sub(r"\\(.)", r"\1", name) for name in CSS_CLASS.findall(css)}
