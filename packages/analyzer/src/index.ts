export { isBinary } from "./magic.ts";
