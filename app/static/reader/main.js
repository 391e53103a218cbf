// The reader's router: every reader link and the search form change the URL with the History API and
// render the view it names, so reload, deep links and back/forward all work. Views already seen are kept
// (with the pages "more" added, and their scroll position), so going back is instant.

import { ApiError } from "./api.js";
import { fillNavigation } from "./aside.js";
import { article } from "./article.js";
import { notice } from "./dom.js";
import { href, isReaderUrl, routeOf } from "./routes.js";
import { author, category, front, missing } from "./views.js";

const VIEWS = { front, category, author, article, missing };
const KEPT_VIEWS = 20;
const SITE = "文章阅读";
// Marked once, when the first view is on screen: the load time a test (or anyone) can read back.
const FIRST_VIEW = "reader:first-view";

const main = document.getElementById("view");
const searchBox = document.querySelector(".search input");
const kept = new Map(); // URL -> {node, title, scroll} of the views left behind
let current = new URL(location.href);
let currentIsView = false; // false while loading or showing an error: nothing worth keeping
let inFlight = null;

const keyOf = (url) => url.pathname + url.search;

function display(node, title, isView) {
  main.replaceChildren(node);
  main.removeAttribute("aria-busy");
  document.title = title;
  currentIsView = isView;
  if (!performance.getEntriesByName(FIRST_VIEW).length) performance.mark(FIRST_VIEW);
}

function markCurrentTopic(url) {
  for (const link of document.querySelectorAll("#topics a")) {
    link.ariaCurrent = keyOf(new URL(link.href)) === keyOf(url) ? "page" : null;
  }
}

async function render(url, route, controller) {
  main.setAttribute("aria-busy", "true");
  currentIsView = false;
  try {
    const { node, title } = await VIEWS[route.view](route, controller.signal);
    if (!controller.signal.aborted) display(node, `${title} · ${SITE}`, true);
  } catch (error) {
    if (controller.signal.aborted) return;
    if (!(error instanceof ApiError)) console.error(error); // the reader's own bug: say so where it shows
    display(
      notice(error, () => show(url)),
      `出错了 · ${SITE}`,
      false,
    );
  }
}

/** Show the view of `url`: the one kept from before when coming back to it, else a fresh one. */
async function show(url, scroll = 0, fromHistory = false) {
  inFlight?.abort();
  const controller = (inFlight = new AbortController());
  current = url;
  const route = routeOf(url);
  searchBox.value = route.view === "front" ? route.params.get("q") || "" : "";
  markCurrentTopic(url);
  const remembered = fromHistory ? kept.get(keyOf(url)) : undefined;
  if (remembered) display(remembered.node, remembered.title, true);
  else await render(url, route, controller);
  if (!controller.signal.aborted) window.scrollTo(0, remembered ? remembered.scroll : scroll);
}

function keepCurrent() {
  if (!currentIsView) return;
  const key = keyOf(current);
  kept.delete(key);
  kept.set(key, { node: main.firstElementChild, title: document.title, scroll: window.scrollY });
  if (kept.size > KEPT_VIEWS) kept.delete(kept.keys().next().value);
}

function go(url) {
  if (keyOf(url) === keyOf(current)) return show(url); // the same view again: fresh, not a new entry
  history.replaceState({ scroll: window.scrollY }, ""); // where a reload of this entry returns to
  keepCurrent();
  history.pushState(null, "", url);
  show(url).then(() => main.focus({ preventScroll: true }));
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[href]");
  if (!link || event.defaultPrevented || event.button !== 0 || link.target || link.hasAttribute("download"))
    return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(link.href);
  if (!isReaderUrl(url)) return;
  event.preventDefault();
  go(url);
});

document.querySelector(".search").addEventListener("submit", (event) => {
  event.preventDefault();
  const q = searchBox.value.trim();
  if (q) go(new URL(href.front([["q", q]]), location.href));
});

window.addEventListener("popstate", (event) => {
  keepCurrent();
  show(new URL(location.href), event.state?.scroll ?? 0, true);
});

history.scrollRestoration = "manual";
fillNavigation().then(() => markCurrentTopic(current));
show(current, history.state?.scroll ?? 0);
