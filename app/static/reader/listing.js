// Lists of articles: cards, the total, "more" by next_cursor, and search facets as filters.

import { getJson } from "./api.js";
import { dotted, h, image, sanitizedHtml, when } from "./dom.js";
import { href } from "./routes.js";

/** One article in a list; with a search, its title and fragments carry the API's <mark> highlights. */
export function card(item) {
  const marked = item.highlights;
  const title = marked?.title ? sanitizedHtml(marked.title) : item.title;
  const category = item.categories.length
    ? h("a", { href: href.category(item.category_slugs[0]) }, item.categories[0])
    : null;
  const source = item.author ? h("a", { href: href.author(item.author) }, item.author) : null;
  const fragments = marked?.body.length
    ? marked.body.map((fragment) => h("p", { className: "card-excerpt fragment" }, sanitizedHtml(fragment)))
    : [h("p", { className: "card-excerpt" }, item.excerpt)];
  const body = h(
    "div",
    { className: "card-body" },
    h("h2", { className: "card-title" }, h("a", { href: href.article(item.slug) }, title)),
    h("p", { className: "meta" }, ...dotted(source, when(item.published_at, true), category)),
    ...fragments,
  );
  const picture = item.image
    ? h("a", { className: "card-image", href: href.article(item.slug), tabIndex: -1 }, image(item.image))
    : null;
  picture?.firstChild.addEventListener("error", () => picture.remove()); // decoration lost, not a hole
  return h("article", { className: "card" }, body, picture);
}

function endOfList(count) {
  return h("p", { className: "end" }, count ? "已经到底了" : "没有找到文章。");
}

/** The "more" button: each click appends the page `next_cursor` points at (no count, no facets). */
function moreButton(path, pairs, cursor, cards) {
  const button = h("button", { type: "button", className: "more" }, "加载更多");
  const again = pairs.filter(([name]) => name !== "facets");
  button.addEventListener("click", async () => {
    button.disabled = true;
    button.textContent = "加载中…";
    try {
      const page = await getJson(path, [...again, ["count", "false"], ["cursor", cursor]]);
      cards.append(...page.items.map(card));
      cursor = page.next_cursor;
      button.textContent = "加载更多";
    } catch (error) {
      button.textContent = `加载失败：${error.message}（点击重试）`;
    }
    button.disabled = false;
    if (!cursor) button.replaceWith(endOfList(cards.childElementCount));
  });
  return button;
}

/** The first page of a listing as a section (cards, then "more"), and the page itself. */
export async function listing(path, pairs, signal) {
  const page = await getJson(path, pairs, signal);
  const cards = h("div", { className: "cards" }, ...page.items.map(card));
  const tail = page.next_cursor
    ? moreButton(path, pairs, page.next_cursor, cards)
    : endOfList(page.items.length);
  return { page, node: h("section", { className: "listing" }, cards, tail) };
}

/** The count line under a heading ("共 12 篇"). */
export function total(page, label = "共") {
  return page.total == null ? null : h("p", { className: "total" }, `${label} ${page.total} 篇`);
}

/** Facet values as links that add (or, when already chosen, remove) a filter of the search. */
export function facets(page, params) {
  const groups = [
    ["category", "分类", (value) => value.label || value.value],
    ["author", "来源", (value) => value.value],
  ];
  const rows = groups
    .filter(([name]) => page.facets?.[name]?.length)
    .map(([name, label, text]) => {
      const chosen = params.getAll(name);
      const links = page.facets[name].slice(0, 12).map((value) => {
        const active = chosen.includes(value.value);
        const pairs = [...params].filter(([key, kept]) => !(key === name && kept === value.value));
        if (!active) pairs.push([name, value.value]);
        return h(
          "a",
          {
            className: active ? "chip active" : "chip",
            href: href.front(pairs),
            ariaCurrent: active ? "true" : null,
          },
          text(value),
          h("span", { className: "count" }, String(value.count)),
        );
      });
      return h("div", { className: "facet" }, h("span", { className: "facet-name" }, label), ...links);
    });
  return rows.length ? h("div", { className: "facets" }, ...rows) : null;
}
