/** The streaming multipart reader: parts whole however the body is cut, and its refusals. */
import { describe, expect, test } from "bun:test";
import { multipartBoundary, type PartHeaders, readMultipart } from "../src/http/multipart-stream.ts";
import { RequestError } from "../src/http/request-error.ts";

const BOUNDARY = "b0und";

async function* pieces(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += size) yield bytes.subarray(at, at + size);
}

/** Every part's name and body, read from `body` cut into pieces of `size` bytes. */
async function parts(body: string | Uint8Array, size: number): Promise<[string | undefined, string][]> {
  const bytes = typeof body === "string" ? Buffer.from(body, "latin1") : body;
  const found: [string | undefined, string][] = [];
  await readMultipart(pieces(bytes, size), BOUNDARY, (headers: PartHeaders) => {
    const chunks: Uint8Array[] = [];
    return {
      write: (piece) => {
        chunks.push(Buffer.from(piece));
      },
      end: () => {
        found.push([headers.name, Buffer.concat(chunks).toString("latin1")]);
      },
    };
  });
  return found;
}

const FORM =
  "preamble to ignore\r\n" +
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="signature"\r\n\r\n3044\r\n` +
  `--${BOUNDARY}  \r\ncontent-disposition: form-data; filename="a;name=x.so"; name="file"\r\n` +
  "Content-Type: application/octet-stream\r\n\r\n" +
  `\r\n--${BOUNDARY.slice(0, 3)}\r\r\n-- data that looks like a boundary\r\n` +
  `--${BOUNDARY}\r\n\r\nno headers\r\n` +
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="q\\"uoted"\r\n\r\n\r\n` +
  `--${BOUNDARY}--\r\nepilogue to ignore`;

const EXPECTED: [string | undefined, string][] = [
  ["signature", "3044"],
  ["file", `\r\n--${BOUNDARY.slice(0, 3)}\r\r\n-- data that looks like a boundary`],
  [undefined, "no headers"],
  ['q"uoted', ""],
];

describe("readMultipart", () => {
  test("gives the same parts however the body is cut", async () => {
    for (const size of [1, 2, 3, 7, 16, 64, FORM.length]) expect(await parts(FORM, size)).toEqual(EXPECTED);
  });

  test("passes a large part through in pieces", async () => {
    const data = new Uint8Array(1024 * 1024).map((_, index) => (index * 7) & 0xff);
    const body = Buffer.concat([
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"\r\n\r\n`),
      data,
      Buffer.from(`\r\n--${BOUNDARY}--`),
    ]);
    const [[name, text] = []] = await parts(body, 65536);
    expect(name).toBe("file");
    expect(Buffer.from(text ?? "", "latin1").equals(Buffer.from(data))).toBe(true);
  });

  test("refuses a body that ends early, text after a boundary, and endless part headers", async () => {
    const refusal = (body: string) =>
      parts(body, 5).then(
        () => "read",
        (error: unknown) => (error instanceof RequestError ? error.message : String(error)),
      );
    const prefix = "Error parsing `multipart/form-data` request: ";
    expect(await refusal(`--${BOUNDARY}\r\n\r\nno end`)).toBe(`${prefix}incomplete multipart stream`);
    expect(await refusal(`--${BOUNDARY}x\r\n\r\nx\r\n--${BOUNDARY}--`)).toBe(`${prefix}text after a boundary`);
    expect(await refusal(`--${BOUNDARY}\r\nX-Long: ${"a".repeat(20_000)}`)).toBe(`${prefix}part headers too large`);
  });
});

describe("multipartBoundary", () => {
  test("reads a plain or quoted boundary of a multipart/form-data type only", () => {
    expect(multipartBoundary("multipart/form-data; boundary=abc")).toBe("abc");
    expect(multipartBoundary('Multipart/Form-Data; charset=utf-8; boundary="a b;c"')).toBe("a b;c");
    expect(multipartBoundary("multipart/mixed; boundary=abc")).toBeUndefined();
    expect(multipartBoundary("multipart/form-data")).toBeUndefined();
    expect(multipartBoundary(`multipart/form-data; boundary=${"x".repeat(71)}`)).toBeUndefined();
  });
});
