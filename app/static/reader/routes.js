// The reader's URLs: which view a location shows, and the links to each view. Everything sits under the
// app's root path (data-root), so a reader behind a path prefix keeps working.

export const root = document.documentElement.dataset.root || "";
const READ = `${root}/read/`;

/** "?a=1&b=2" from [name, value] pairs, skipping empty values; "" when nothing is left. */
export function queryString(pairs) {
  const search = new URLSearchParams(pairs.filter(([, value]) => value !== "" && value != null));
  const text = search.toString();
  return text ? `?${text}` : "";
}

export const href = {
  front: (pairs = []) => READ + queryString(pairs),
  article: (slug) => READ + encodeURIComponent(slug),
  category: (slug) => `${READ}category/${encodeURIComponent(slug)}`,
  author: (name) => `${READ}author/${encodeURIComponent(name)}`,
};

/** True for the URLs the reader shows itself (everything else is left to the browser). */
export function isReaderUrl(url) {
  return url.origin === location.origin && (url.pathname === `${root}/` || url.pathname.startsWith(READ));
}

function segments(path) {
  try {
    return path.split("/").map(decodeURIComponent);
  } catch {
    return null; // a malformed %-escape: no view has such a name
  }
}

/** The view for a URL: {view, ...its parameters}. A single segment is an article's slug (as in feeds). */
export function routeOf(url) {
  const path = url.pathname.slice(root.length);
  if (path === "/" || path === "/read/" || path === "/read")
    return { view: "front", params: url.searchParams };
  const parts = path.startsWith("/read/") ? segments(path.slice("/read/".length)) : null;
  if (parts?.length === 2 && parts[0] === "category" && parts[1]) return { view: "category", slug: parts[1] };
  if (parts?.length === 2 && parts[0] === "author" && parts[1]) return { view: "author", name: parts[1] };
  if (parts?.length === 1 && parts[0]) return { view: "article", slug: parts[0] };
  return { view: "missing" };
}
