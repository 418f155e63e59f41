/**
 * HTML from template literals with every interpolated value escaped, unless it is already
 * markup (the result of another `html` call). Plugin names and descriptions come from uploaded
 * binaries, so nothing reaches a page unescaped by accident.
 */

export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);
}

type Value = Markup | string | number | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Markup {
  let text = strings[0] ?? "";
  values.forEach((value, index) => {
    text += render(value) + (strings[index + 1] ?? "");
  });
  return new Markup(text);
}

export function page(markup: Markup, status = 200): Response {
  return new Response(`<!doctype html>\n${markup.text}`, {
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}
