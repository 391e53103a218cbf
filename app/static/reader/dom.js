// Building the page safely: text always goes in as text; HTML only from the API's sanitized fields.

import { href } from "./routes.js";

/** An element with properties (className, href, ...) and children (nodes, or strings as text). */
export function h(tag, properties = {}, ...children) {
  const element = Object.assign(document.createElement(tag), properties);
  element.append(...children.filter((child) => child != null && child !== false));
  return element;
}

/** An image from another host: lazily loaded, and sent without a Referer (Sina and Zhihu refuse foreign
 * ones). */
export function image(src, alt = "") {
  return h("img", { src, alt, loading: "lazy", decoding: "async", referrerPolicy: "no-referrer" });
}

/** Nodes from HTML the API documents as sanitized (body_html, highlights). It is parsed in an inert
 * template, so its images get their loading and referrer policy before anything is fetched. */
export function sanitizedHtml(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  for (const img of template.content.querySelectorAll("img")) {
    Object.assign(img, { loading: "lazy", decoding: "async", referrerPolicy: "no-referrer" });
  }
  for (const link of template.content.querySelectorAll("a[href]")) {
    link.rel = "noopener noreferrer nofollow";
  }
  return template.content;
}

const DATE = new Intl.DateTimeFormat("zh-CN", { dateStyle: "medium", timeStyle: "short" });
const DAY = new Intl.DateTimeFormat("zh-CN", { dateStyle: "medium" });

/** A <time> for an ISO timestamp (null: nothing); `short` leaves the time of day out. */
export function when(iso, short = false) {
  if (!iso) return null;
  const moment = new Date(iso);
  return h("time", { dateTime: iso, title: DATE.format(moment) }, (short ? DAY : DATE).format(moment));
}

/** Children separated by " · ", for meta lines. */
export function dotted(...parts) {
  const kept = parts.filter(Boolean);
  return kept.flatMap((part, index) =>
    index ? [h("span", { className: "dot", ariaHidden: "true" }, " · "), part] : [part],
  );
}

/** What the reader shows instead of a view it could not build: what happened and what to do (`retry`
 * is offered when trying again may help: the server was unreachable or failed). */
export function notice(error, retry) {
  const title = error.status === 0 ? "无法连接到服务器" : error.status === 404 ? "没有找到" : "出错了";
  const actions = h("p", { className: "notice-actions" });
  if (error.status === 0 || error.status >= 500) {
    const button = h("button", { type: "button" }, "重试");
    button.addEventListener("click", retry);
    actions.append(button, " ");
  }
  actions.append(h("a", { href: href.front() }, "返回首页"));
  return h(
    "div",
    { className: "notice", role: "alert" },
    h("h1", {}, title),
    h("p", {}, error.message),
    actions,
  );
}
