// The public JSON API, and the one error type the views show: a message a person can act on.

import { root, queryString } from "./routes.js";

export const PAGE_SIZE = 10;

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.name = "ApiError";
    this.status = status; // 0 when the server could not be reached
  }
}

/** The message of an RFC 9457 problem: each rejected parameter, else its detail. */
async function problemMessage(response) {
  try {
    const problem = await response.json();
    const errors = (problem.errors || []).map((error) => `${error.parameter}：${error.message}`);
    return errors.join("；") || problem.detail || problem.title || response.statusText;
  } catch {
    return response.statusText;
  }
}

/** GET path?pairs as JSON; an ApiError when the API answers an error or cannot be reached. */
export async function getJson(path, pairs = [], signal = undefined) {
  let response;
  try {
    response = await fetch(root + path + queryString(pairs), {
      headers: { Accept: "application/json" },
      signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError("无法连接到服务器。请检查网络，或确认服务仍在运行，然后重试。", 0);
  }
  if (!response.ok) throw new ApiError(await problemMessage(response), response.status);
  return response.json();
}

/** A request made once and shared by every view; a failure is forgotten, so the next caller retries. */
function shared(path) {
  let pending = null;
  return () => {
    pending ??= getJson(path).catch((error) => {
      pending = null;
      throw error;
    });
    return pending;
  };
}

export const categoryTree = shared("/categories");
export const authorList = shared("/authors");

/** The category with this slug anywhere in the tree, or null. */
export function findCategory(nodes, slug) {
  for (const node of nodes) {
    const found = node.slug === slug ? node : findCategory(node.children, slug);
    if (found) return found;
  }
  return null;
}
