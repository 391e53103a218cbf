// The list views: front page (newest, or a search with its facets), a category, an author; and "no such
// page". Each resolves to {title, node} once its first data has arrived.

import { ApiError, authorList, categoryTree, findCategory, PAGE_SIZE } from "./api.js";
import { h } from "./dom.js";
import { facets, listing, total } from "./listing.js";
import { href } from "./routes.js";

function heading(text, ...after) {
  return h("header", { className: "view-head" }, h("h1", {}, text), ...after);
}

/** Chips for the category and author filters in the URL, each a link that drops it; a category is named
 * by its label in the facets. */
function activeFilters(params, page) {
  const chosen = [...params].filter(([name]) => name === "category" || name === "author");
  if (!chosen.length) return null;
  const chips = chosen.map(([name, value]) => {
    const rest = [...params].filter(([key, kept]) => !(key === name && kept === value));
    const label = page.facets?.[name]?.find((facet) => facet.value === value)?.label || value;
    return h("a", { className: "chip active", href: href.front(rest), title: "去掉这个筛选" }, label, " ×");
  });
  return h("p", { className: "filters" }, "筛选：", ...chips);
}

/** Newest articles; with `q`, the search: highlights, facets and the total. */
export async function front({ params }, signal) {
  const q = (params.get("q") || "").trim();
  const filters = ["category", "author"].flatMap((name) => params.getAll(name).map((value) => [name, value]));
  const pairs = [["limit", PAGE_SIZE], ["q", q], ...filters];
  if (q || filters.length) pairs.push(["facets", "category,author"]); // ways to refine what was asked
  const { page, node } = await listing("/articles", pairs, signal);
  const title = q ? `搜索：${q}` : "最新文章";
  const head = heading(
    title,
    total(page, q ? "找到" : "共"),
    activeFilters(params, page),
    facets(page, params),
  );
  return { title, node: h("div", { className: "view" }, head, node) };
}

/** Breadcrumb links for a category's ancestors (their names; the tree gives each its slug). */
function ancestors(tree, category) {
  const links = [];
  let level = tree;
  for (const name of category.path.slice(0, -1)) {
    const node = level.find((candidate) => candidate.name === name);
    if (!node) break;
    links.push(h("a", { href: href.category(node.slug) }, name), " / ");
    level = node.children;
  }
  return links.length ? h("p", { className: "crumbs" }, ...links) : null;
}

/** One category (its descendants included), with links to its subcategories. */
export async function category({ slug }, signal) {
  const [tree, { page, node }] = await Promise.all([
    categoryTree().catch(() => []),
    listing(`/categories/${encodeURIComponent(slug)}/articles`, [["limit", PAGE_SIZE]], signal),
  ]);
  const found = findCategory(tree, slug);
  const children = found?.children.map((child) =>
    h(
      "a",
      { className: "chip", href: href.category(child.slug) },
      child.name,
      h("span", { className: "count" }, String(child.article_count)),
    ),
  );
  const head = heading(
    found?.name || slug,
    found ? ancestors(tree, found) : null,
    total(page),
    children?.length ? h("p", { className: "subcategories" }, ...children) : null,
  );
  return { title: found?.name || slug, node: h("div", { className: "view" }, head, node) };
}

/** One author (a source): every article it published, newest first. */
export async function author({ name }, signal) {
  const [authors, { page, node }] = await Promise.all([
    authorList().catch(() => []),
    listing(
      "/articles",
      [
        ["limit", PAGE_SIZE],
        ["author", name],
      ],
      signal,
    ),
  ]);
  const found = authors.find((candidate) => candidate.name === name || candidate.slug === name);
  if (!found && !page.items.length) throw new ApiError(`没有来源“${name}”的文章。`, 404);
  const title = found?.name || name;
  return {
    title,
    node: h(
      "div",
      { className: "view" },
      heading(title, h("p", { className: "kicker" }, "来源"), total(page)),
      node,
    ),
  };
}

/** A reader URL that names no view. */
export async function missing() {
  throw new ApiError("这个地址没有对应的页面。", 404);
}
