/**
 * The streaming multipart reader against Bun's own `formData()` on generated forms (binary parts
 * full of CRs, dashes and near-boundaries, cut into random pieces), and on damaged bodies, where it
 * must end in a RequestError (or read them), never another error; and what it holds back of a
 * part stays smaller than a delimiter however long the part.
 */
import { describe, expect, test } from "bun:test";
import { readMultipart } from "../src/http/multipart-stream.ts";
import { RequestError } from "../src/http/request-error.ts";

/** A small seeded generator (xorshift32), so a failure names its seed and repeats. */
function generator(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
  return { below: (n: number) => next() % n };
}

type Random = ReturnType<typeof generator>;

/** Bytes a boundary search can trip over: CRs, LFs, dashes and pieces of the delimiter itself. */
function trickyBytes(random: Random, length: number, boundary: string): Uint8Array {
  const pieces = ["\r", "\n", "-", "\r\n", "\r\n-", "\r\n--", `\r\n--${boundary.slice(0, -1)}`, `\r\n-${boundary}`];
  const out: number[] = [];
  while (out.length < length) {
    const pick = random.below(10);
    if (pick < 6) out.push(random.below(256));
    else for (const byte of Buffer.from(pieces[random.below(pieces.length)] ?? "", "latin1")) out.push(byte);
  }
  // A part's data never holds its delimiter (RFC 2046 has senders pick boundaries so), nor, for
  // Bun's parser, the reference, `--boundary` anywhere: break any, leaving near misses.
  const data = Buffer.from(out.slice(0, length));
  const dashed = Buffer.from(`--${boundary}`);
  for (let at = data.indexOf(dashed); at >= 0; at = data.indexOf(dashed, at)) data[at] = 0x2b;
  return data;
}

interface Part {
  name: string;
  data: Uint8Array;
}

function formBody(parts: readonly Part[], boundary: string): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="p.bin"\r\n`),
    );
    chunks.push(Buffer.from("Content-Type: application/octet-stream\r\n\r\n"));
    chunks.push(part.data, Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

async function* randomPieces(bytes: Uint8Array, random: Random): AsyncIterable<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; ) {
    // Mostly small pieces, so every boundary is cut somewhere; now and then a large one.
    const size = random.below(8) === 0 ? 1 + random.below(4096) : 1 + random.below(90);
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

async function readAll(body: AsyncIterable<Uint8Array>, boundary: string): Promise<[string, Buffer][]> {
  const found: [string, Buffer][] = [];
  await readMultipart(body, boundary, ({ name }) => {
    const chunks: Buffer[] = [];
    return {
      write: (piece) => {
        chunks.push(Buffer.from(piece));
      },
      end: () => {
        found.push([name ?? "", Buffer.concat(chunks)]);
      },
    };
  });
  return found;
}

describe("readMultipart on generated forms", () => {
  test("reads every part as Bun's formData() does, however the body is cut", async () => {
    for (let seed = 1; seed <= 150; seed += 1) {
      const random = generator(seed);
      const boundary = `----fuzz${seed.toString(16)}${"x".repeat(random.below(40))}`;
      const parts = Array.from({ length: 1 + random.below(3) }, (_, index) => ({
        name: `part${index}`,
        data: trickyBytes(random, random.below(3000), boundary),
      }));
      const body = formBody(parts, boundary);
      const reference = await new Response(body, {
        headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      }).formData();
      const expected = await Promise.all(
        parts.map(async ({ name }) => [name, Buffer.from(await (reference.get(name) as Blob).bytes())] as const),
      );
      // Bun agrees with what was sent, so the reference is a reference.
      expect(expected.map(([, data]) => data)).toEqual(parts.map(({ data }) => Buffer.from(data)));
      const read = await readAll(randomPieces(body, random), boundary);
      if (JSON.stringify(read) !== JSON.stringify(expected)) throw new Error(`seed ${seed}: parts differ`);
      expect(read.length).toBe(parts.length);
    }
  });

  test("a damaged body is read or refused with a RequestError, never another error", async () => {
    let refused = 0;
    for (let seed = 1; seed <= 300; seed += 1) {
      const random = generator(seed * 7919);
      const boundary = "dmg";
      const body = Buffer.from(formBody([{ name: "file", data: trickyBytes(random, 200, boundary) }], boundary));
      // Truncate, flip bytes, or cut bytes out.
      const damage = random.below(3);
      let damaged: Buffer = body;
      if (damage === 0) damaged = body.subarray(0, random.below(body.length));
      else if (damage === 1) {
        damaged = Buffer.from(body);
        for (let flips = 1 + random.below(4); flips > 0; flips -= 1)
          damaged[random.below(damaged.length)] = random.below(256);
      } else {
        const at = random.below(body.length);
        damaged = Buffer.concat([body.subarray(0, at), body.subarray(at + 1 + random.below(20))]);
      }
      try {
        await readAll(randomPieces(damaged, random), boundary);
      } catch (error) {
        if (!(error instanceof RequestError)) throw new Error(`seed ${seed}: ${String(error)}`);
        expect(error.reason).toBe("bad-request");
        refused += 1;
      }
    }
    // Truncation alone ends most bodies before their closing boundary.
    expect(refused).toBeGreaterThan(50);
  });
});

describe("readMultipart's memory", () => {
  test("holds back less than a delimiter of a long part, whatever its bytes", async () => {
    const boundary = "hold";
    const random = generator(42);
    const data = trickyBytes(random, 64 * 1024, boundary);
    let received = 0;
    let mostHeld = 0;
    async function* body(): AsyncIterable<Uint8Array> {
      yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\n`);
      let sent = 0;
      for await (const piece of randomPieces(data, random)) {
        yield piece;
        sent += piece.byteLength;
        // The reader has taken the piece before asking for the next one.
        mostHeld = Math.max(mostHeld, sent - received);
      }
      yield Buffer.from(`\r\n--${boundary}--`);
    }
    await readMultipart(body(), boundary, () => ({
      write: (piece) => {
        received += piece.byteLength;
      },
      end: () => {},
    }));
    expect(received).toBe(data.byteLength);
    expect(mostHeld).toBeLessThan(`\r\n--${boundary}`.length);
  });
});
