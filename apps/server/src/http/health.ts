/**
 * `/health` for a client that asks for JSON (`Accept: application/json`, as for errors): the same
 * status memflow-registry names ("Ok", or its `Error` text) plus the storage's counts, so a
 * monitor sees listed files whose object is missing without changing what memflowup reads.
 */
import type { ObjectCounts } from "../storage/object-count.ts";

export { wantsJson } from "./errors.ts";

export function healthDetail(healthy: boolean, counts: ObjectCounts | undefined): Response {
  return Response.json(
    {
      status: healthy ? "Ok" : { Error: "database unhealthy" },
      // null until the first count (started by this request) has finished.
      indexed: counts?.indexed ?? null,
      missing_objects: counts?.missing ?? null,
    },
    { status: healthy ? 200 : 503 },
  );
}
