// The article page: metadata, the sanitized body, the original link, categories, newer/older and related
// articles.

import { getJson } from "./api.js";
import { dotted, h, image, sanitizedHtml, when } from "./dom.js";
import { href } from "./routes.js";

function categoryLinks(article) {
  const links = article.categories.map((name, index) =>
    h("a", { href: href.category(article.category_slugs[index]) }, name),
  );
  return h(
    "nav",
    { className: "crumbs", ariaLabel: "分类" },
    ...links.flatMap((link, index) => (index ? [" / ", link] : [link])),
  );
}

function meta(article) {
  const source = article.author ? h("a", { href: href.author(article.author) }, article.author) : null;
  const original = article.source_url
    ? h(
        "a",
        { href: article.source_url, rel: "noopener noreferrer nofollow", className: "original" },
        "阅读原文",
      )
    : null;
  const minutes = h("span", {}, `约 ${article.reading_minutes} 分钟读完`);
  return h("p", { className: "meta" }, ...dotted(source, when(article.published_at), minutes, original));
}

/** Who wrote and edited the piece and where it first appeared, when the body says so. */
function credits(article) {
  const parts = [
    article.byline && `文 / ${article.byline}`,
    article.origin && `来源：${article.origin}`,
    article.editor && `编辑：${article.editor}`,
  ].filter(Boolean);
  return parts.length ? h("p", { className: "credits" }, parts.join("　")) : null;
}

/** The header image, unless the body shows it already. */
function headerImage(article, body) {
  const shown = [...body.querySelectorAll("img")].some((img) => img.getAttribute("src") === article.image);
  if (!article.image || shown) return null;
  return h("figure", { className: "lead-image" }, image(article.image, article.title));
}

function media(article) {
  if (!article.media.length) return null;
  const links = article.media.map((url) =>
    h("li", {}, h("a", { href: url, rel: "noopener noreferrer nofollow" }, url)),
  );
  return h("section", { className: "media" }, h("h2", {}, "视频与嵌入内容"), h("ul", {}, ...links));
}

function neighbour(link, label, className) {
  if (!link) return null;
  return h(
    "a",
    { href: href.article(link.slug), className, rel: className === "newer" ? "prev" : "next" },
    h("span", { className: "label" }, label),
    h("span", { className: "title" }, link.title),
  );
}

/** Related articles fill their section when they arrive; the section stays hidden if they cannot. */
function related(article) {
  const section = h("section", { className: "related", hidden: true }, h("h2", {}, "相关文章"));
  const pairs = [
    ["limit", 5],
    ["fields", "slug,title,author,published_at"],
  ];
  getJson(`/articles/${encodeURIComponent(article.id)}/related`, pairs)
    .then(({ items }) => {
      const entries = items.map((item) =>
        h(
          "li",
          {},
          h("a", { href: href.article(item.slug) }, item.title),
          " ",
          h("span", { className: "meta" }, ...dotted(item.author, when(item.published_at, true))),
        ),
      );
      section.append(h("ul", {}, ...entries));
      section.hidden = !items.length;
    })
    .catch(() => {}); // an extra: the article reads as well without it
  return section;
}

/** The article with this slug. */
export async function article({ slug }, signal) {
  const found = await getJson(`/articles/slug/${encodeURIComponent(slug)}`, [["formats", "html"]], signal);
  const body = h("div", { className: "body" }, sanitizedHtml(found.body_html));
  const node = h(
    "article",
    { className: "view article", ...(found.language && { lang: found.language }) },
    h(
      "header",
      { className: "article-head" },
      categoryLinks(found),
      h("h1", {}, found.title),
      meta(found),
      credits(found),
    ),
    headerImage(found, body),
    body,
    media(found),
    h(
      "nav",
      { className: "neighbours", ariaLabel: "同一栏目" },
      neighbour(found.newer, "← 较新", "newer"),
      neighbour(found.older, "较旧 →", "older"),
    ),
    related(found),
  );
  return { title: found.title, node };
}
