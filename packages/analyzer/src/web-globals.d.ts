/**
 * The two Encoding API classes the analyzer uses. Node, Bun, Deno and every browser provide
 * them as globals; declaring just these keeps DOM and Node types out of the portable build, so
 * the type checker catches any other runtime API creeping in.
 */
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}

declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
