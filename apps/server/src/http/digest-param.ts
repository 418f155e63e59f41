/** The `:digest` of `/files/:digest…`, checked by the route before its handler runs, and documented from here. */
import { checkedDigest } from "../storage/checked-digest.ts";
import { routeValidator } from "./route-validator.ts";

// A path parameter is always one string.
export const digestParam = routeValidator(({ digest }) => ({ digest: checkedDigest(String(digest ?? "")) }), {
  type: "object",
  properties: {
    digest: {
      type: "string",
      // checkedDigest's rule (core's isSha256Digest); test/openapi.test.ts holds the two together.
      pattern: "^[0-9a-f]{64}$",
      description: "sha256 of the file as 64 lower-case hex digits",
    },
  },
  required: ["digest"],
});
