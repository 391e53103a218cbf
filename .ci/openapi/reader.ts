// A small reader written against the client types openapi-typescript generates from /openapi.json:
// tests/test_openapi_tools.py type-checks it with tsc --strict, so a contract that stops giving clients
// these types (a required field turned optional, an enum turned string...) fails the suite.
import type { components, operations } from "./generated/api";

type Page = components["schemas"]["ArticlePage"];
type Detail = components["schemas"]["ArticleDetail"];
type Related = components["schemas"]["ArticleList"];
type Author = components["schemas"]["Author"];
type ListQuery = NonNullable<operations["listArticles"]["parameters"]["query"]>;
type Facet = NonNullable<ListQuery["facets"]>[number];

const facets: Facet[] = ["category", "author", "month"];
// @ts-expect-error facets is an enum: a name outside it does not type-check
const wrongFacet: Facet = "colour";

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) {
    const problem = (await response.json()) as components["schemas"]["ProblemDetail"];
    throw new Error(`${problem.status} ${problem.title}: ${problem.detail}`);
  }
  return (await response.json()) as T;
}

export async function frontPage(base: string, query: ListQuery): Promise<string[]> {
  const params = new URLSearchParams();
  if (query.limit !== undefined) params.set("limit", String(query.limit));
  if (query.since !== undefined && query.since !== null) params.set("since", query.since);
  for (const facet of query.facets ?? facets) params.append("facets", facet);
  const page = await getJson<Page>(`${base}/articles?${params}`);
  const next: string | null = page.next_cursor; // required: always sent, null on the last page
  const lines = page.items.map((item) => `${item.title} [${item.category_slugs.join(" / ")}]`);
  return next === null ? lines : [...lines, `more: ${base}/articles?cursor=${next}`];
}

export async function readArticle(base: string, slug: string): Promise<string> {
  const article = await getJson<Detail>(`${base}/articles/slug/${encodeURIComponent(slug)}`);
  const newer = article.newer === null ? "newest" : `newer: ${article.newer.title}`;
  const older = article.older === null ? "last" : `older: ${article.older.slug}`;
  const related = await getJson<Related>(`${base}/articles/${article.id}/related?limit=3`);
  const seeAlso = related.items.map((item) => item.title).join(", ");
  return `${article.title} (${article.reading_minutes} min)\n${article.body_html}\n${newer}; ${older}\n${seeAlso}`;
}

export async function sources(base: string): Promise<string[]> {
  const authors = await getJson<Author[]>(`${base}/authors`);
  return authors.map((author) => `${author.name} (${author.slug}): ${author.article_count}`);
}

export const unused = wrongFacet;
