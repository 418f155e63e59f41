/**
 * The queries and bodies of the inventory's memory routes, physical and virtual alike: parsed
 * before any plugin is asked, and documented from the same definitions (http/route-validator.ts).
 */
import { RequestError } from "../http/request-error.ts";
import { type QueryValues, routeValidator } from "../http/route-validator.ts";
import { MAX_READ_BYTES } from "./session-pool.ts";

export type AddressSpace = "physical" | "virtual";

/** An address as a query gives it: decimal, or hex after `0x`; the document shows the same pattern. */
const ADDRESS_PATTERN = "^(0[xX][0-9a-fA-F]{1,16}|[0-9]{1,20})$";
const ADDRESS = new RegExp(ADDRESS_PATTERN);

function addressSchema(space: AddressSpace) {
  return {
    type: "string",
    pattern: ADDRESS_PATTERN,
    description: `a 64-bit ${space} address, decimal or 0x-prefixed hex`,
  } as const;
}

/** A 64-bit number as a query gives it; `what` names the key in the message. */
export function parseAddress(text: string | undefined, what = "address"): bigint {
  if (text !== undefined && ADDRESS.test(text)) {
    const address = BigInt(text);
    if (address < 2n ** 64n) return address;
  }
  throw new RequestError("bad-request", `${what} must be a 64-bit number, decimal or 0x-prefixed hex`);
}

function parseFormat(text: string | undefined): "hex" | "binary" {
  if (text === undefined || text === "hex" || text === "binary") return text ?? "hex";
  throw new RequestError("bad-request", 'format must be "hex" (default) or "binary"');
}

/** The one value of a query key; a key given twice is refused rather than one of its values guessed. */
export function one(query: QueryValues, key: string): string | undefined {
  const value = query[key];
  if (typeof value === "string" || value === undefined) return value;
  throw new RequestError("bad-request", `${key} is given more than once`);
}

/** `?address=…&length=…&format=…` of a read, checked before the plugin is asked. */
export function memoryReadQuery(space: AddressSpace) {
  return routeValidator(
    (query) => ({
      address: parseAddress(one(query, "address")),
      length: Number(one(query, "length") ?? ""),
      format: parseFormat(one(query, "format")),
    }),
    {
      type: "object",
      properties: {
        address: addressSchema(space),
        length: { type: "integer", minimum: 1, maximum: MAX_READ_BYTES, description: "bytes to read" },
        format: { type: "string", enum: ["hex", "binary"], description: "hex in JSON (default) or raw bytes" },
      },
      required: ["address", "length"],
    },
  );
}

/** `?address=…` of a write. */
export function memoryWriteQuery(space: AddressSpace) {
  return routeValidator((query) => ({ address: parseAddress(one(query, "address")) }), {
    type: "object",
    properties: { address: addressSchema(space) },
    required: ["address"],
  });
}

/** The body of a write: raw bytes, refused before reading when it says it is too large. */
export async function bytesFrom(request: Request): Promise<Uint8Array> {
  const tooLarge = () => new RequestError("too-large", `a write may carry at most ${MAX_READ_BYTES} bytes`);
  if (Number(request.headers.get("content-length") ?? "0") > MAX_READ_BYTES) throw tooLarge();
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > MAX_READ_BYTES) throw tooLarge();
  return bytes;
}
