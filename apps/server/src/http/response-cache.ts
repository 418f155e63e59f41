/**
 * Finished response bodies of the listing routes, kept until the store changes. The embedded
 * store is the folder's only writer (one server per folder), so its change counter tells exactly
 * when a body is stale; the shared store counts the changes PostgreSQL announces (LISTEN/NOTIFY). Without it every `GET /plugins/:name` runs two SQLite queries and a JSON
 * encoding; the registry's clients ask the same few questions over and over.
 */

export class ResponseCache {
  readonly #bodies = new Map<string, string>();
  readonly #maxEntries: number;
  #generation = -1;

  constructor(maxEntries = 2048) {
    this.#maxEntries = maxEntries;
  }

  /**
   * The body for `key` at the store's `generation`, computed by `make` when missing. A `make`
   * that answers synchronously (the embedded store) gets a synchronous answer.
   */
  get(key: string, generation: number, make: () => unknown): string | Promise<string> {
    if (generation !== this.#generation) {
      this.#bodies.clear();
      this.#generation = generation;
    }
    const body = this.#bodies.get(key);
    if (body !== undefined) return body;
    const made = make();
    if (!(made instanceof Promise)) return this.#keep(key, generation, made);
    return made.then((value) => this.#keep(key, generation, value));
  }

  #keep(key: string, generation: number, value: unknown): string {
    const body = JSON.stringify(value);
    // Made from an older state: answer with it, but do not keep it.
    if (generation !== this.#generation) return body;
    // A crude bound: an attacker varying the query cannot grow it without limit.
    if (this.#bodies.size >= this.#maxEntries) this.#bodies.clear();
    this.#bodies.set(key, body);
    return body;
  }
}

export function jsonResponse(body: string | Promise<string>): Response | Promise<Response> {
  if (body instanceof Promise) return body.then(jsonResponse);
  return new Response(body, { headers: { "content-type": "application/json" } });
}
