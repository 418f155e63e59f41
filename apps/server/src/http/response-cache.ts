/**
 * Finished response bodies of the listing routes, kept until the store changes. The store is
 * the folder's only writer (one server per folder), so its change counter tells exactly when
 * a body is stale. Without it every `GET /plugins/:name` runs two SQLite queries and a JSON
 * encoding; the registry's clients ask the same few questions over and over.
 */

export class ResponseCache {
  readonly #bodies = new Map<string, string>();
  readonly #maxEntries: number;
  #generation = -1;

  constructor(maxEntries = 2048) {
    this.#maxEntries = maxEntries;
  }

  /** The body for `key` at the store's `generation`, computed by `make` when missing. */
  get(key: string, generation: number, make: () => unknown): string {
    if (generation !== this.#generation) {
      this.#bodies.clear();
      this.#generation = generation;
    }
    let body = this.#bodies.get(key);
    if (body === undefined) {
      body = JSON.stringify(make());
      // A crude bound: an attacker varying the query cannot grow it without limit.
      if (this.#bodies.size >= this.#maxEntries) this.#bodies.clear();
      this.#bodies.set(key, body);
    }
    return body;
  }
}

export function jsonResponse(body: string): Response {
  return new Response(body, { headers: { "content-type": "application/json" } });
}
