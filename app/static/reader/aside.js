// Navigation beside every view: the top categories under the masthead, and the category tree (top
// category, source, feed) and the authors with their counts in the side column.

import { authorList, categoryTree } from "./api.js";
import { h } from "./dom.js";
import { href } from "./routes.js";

function countedLink(url, name, count) {
  return h(
    "a",
    { href: url },
    h("span", { className: "name" }, name),
    h("span", { className: "count" }, String(count)),
  );
}

function tree(nodes) {
  const items = nodes.map((node) =>
    h(
      "li",
      {},
      countedLink(href.category(node.slug), node.name, node.article_count),
      node.children.length ? tree(node.children) : null,
    ),
  );
  return h("ul", { className: "tree" }, ...items);
}

function failed(section, error) {
  section.append(h("p", { className: "aside-error" }, `没能加载：${error.message}`));
}

/** Fill the masthead's topic bar and the side column; each part says so if its request fails. Resolves
 * once the topic bar is filled (or could not be). */
export function fillNavigation() {
  const topics = document.getElementById("topics");
  const categories = document.getElementById("aside-categories");
  const authors = document.getElementById("aside-authors");
  const topicsFilled = categoryTree().then(
    (nodes) => {
      topics.append(
        h("a", { href: href.front() }, "最新"),
        ...nodes.map((node) => h("a", { href: href.category(node.slug) }, node.name)),
      );
      categories.append(tree(nodes));
    },
    (error) => failed(categories, error),
  );
  authorList().then(
    (list) =>
      authors.append(
        h(
          "ul",
          { className: "tree" },
          ...list.map((author) =>
            h("li", {}, countedLink(href.author(author.name), author.name, author.article_count)),
          ),
        ),
      ),
    (error) => failed(authors, error),
  );
  return topicsFilled;
}
