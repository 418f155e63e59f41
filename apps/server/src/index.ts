export type { App } from "./app.ts";
export { createApp, SERVER_VERSION } from "./app.ts";
export type { ListenAddress } from "./listen-address.ts";
export { DEFAULT_LISTEN_ADDRESS, ListenAddressError, parseListenAddress } from "./listen-address.ts";
