import { describe, expect, test } from "bun:test";
import {
  Args,
  DEFAULT_MIDDLEWARE_ARGS,
  MemflowError,
  parseConnectorArgs,
  parseMemflowSize,
  parseMiddlewareArgs,
  parseOsArgs,
  parseRustUnsigned,
  parseVatcache,
} from "../src/index.ts";

const configurationError = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof MemflowError && error.is("OsLayer", "Configuration")) return error.detail ?? "";
    throw error;
  }
  throw new Error("expected an (OsLayer, Configuration) error");
};

describe("ConnectorArgs", () => {
  test("connector_args_parse", () => {
    const args = parseConnectorArgs("target:extra=value:cache_size=1kb,cache_time=10,cache_page_size=1000");
    expect(args.target).toBe("target");
    expect(args.extraArgs.get("extra")).toBe("value");
    expect(args.middlewareArgs).toEqual({
      cache: undefined,
      cacheSize: 1024n,
      cacheValidityTime: 10n,
      cachePageSize: 0x1000n,
      delay: 0n,
      metrics: false,
    });
  });

  test("connector_args_with_cache", () => {
    const args = parseConnectorArgs("target:extra=value:cache=true,cache_size=1kb,cache_time=10,cache_page_size=1000");
    expect(args.middlewareArgs.cache).toBe(true);
    expect(args.middlewareArgs.cacheSize).toBe(1024n);
  });

  test("connector_args_url: a quoted ':' survives both splits", () => {
    const args = parseConnectorArgs(':device="RAWUDP://ip=127.0.0.1:8080":');
    expect(args.target).toBeUndefined();
    expect(args.extraArgs.get("device")).toBe("RAWUDP://ip=127.0.0.1:8080");
    expect(args.middlewareArgs).toEqual(DEFAULT_MIDDLEWARE_ARGS);
  });

  test("the documented command lines", () => {
    expect(parseConnectorArgs("::delay=200").middlewareArgs.delay).toBe(200n);
    expect(parseConnectorArgs("::metrics=true").middlewareArgs.metrics).toBe(true);
    expect(parseConnectorArgs("coredump_win10_64bit.raw:").target).toBe("coredump_win10_64bit.raw");
    expect(parseConnectorArgs(":device=FPGA").extraArgs.get("device")).toBe("FPGA");
    // `pcileech:device=FPGA` as a step makes `device=FPGA` the target.
    expect(parseConnectorArgs("device=FPGA").target).toBe("device=FPGA");
    // The pcileech README pitfall: memmap lands in the (ignored) middleware part.
    const pitfall = parseConnectorArgs(':device="fpga://driver=1":memmap="memmap.toml"');
    expect(pitfall.extraArgs.get("memmap")).toBeUndefined();
    expect(parseConnectorArgs(":4m").extraArgs.getDefault()).toBe("4m");
    expect(parseConnectorArgs(":size=4m").extraArgs.get("size")).toBe("4m");
    expect(parseConnectorArgs("a:b=c:delay=1:ignored").middlewareArgs.delay).toBe(1n);
  });

  test("cache values other than true/1 mean an explicit 'no'", () => {
    expect(parseMiddlewareArgs("cache=TRUE").cache).toBe(true);
    expect(parseMiddlewareArgs("cache=1").cache).toBe(true);
    expect(parseMiddlewareArgs("cache=yes").cache).toBe(false);
  });

  test("middleware errors carry memflow's messages", () => {
    expect(configurationError(() => parseMiddlewareArgs("cache_size=10"))).toBe(
      "Invalid Page Cache size unit (or none)!",
    );
    expect(configurationError(() => parseMiddlewareArgs("cache_size=1KB"))).toBe("Failed to parse Page Cache size");
    expect(configurationError(() => parseMiddlewareArgs("cache_size=0x10m"))).toBe("Failed to parse Page Cache size");
    expect(configurationError(() => parseMiddlewareArgs("cache_time=1h"))).toBe(
      "Failed to parse Page Cache validity time",
    );
    expect(configurationError(() => parseMiddlewareArgs("cache_page_size=4k"))).toBe(
      "Failed to parse Page size for an entry",
    );
    expect(configurationError(() => parseMiddlewareArgs("delay=-1"))).toBe("Failed to parse delay configuration");
    // memflow wraps around on overflow; refusing is the only safe answer.
    expect(configurationError(() => parseConnectorArgs("::cache_size=fffffffffffffffg"))).toBe(
      "Page Cache size is too large",
    );
  });
});

describe("memflow sizes and numbers", () => {
  test("sizes are hex with a lower-case unit", () => {
    expect(parseMemflowSize("10m")).toEqual({ value: 0x10n * 1024n * 1024n });
    expect(parseMemflowSize("2m")).toEqual({ value: 2n * 1024n * 1024n });
    expect(parseMemflowSize("1g")).toEqual({ value: 1024n ** 3n });
    expect(parseMemflowSize("ak")).toEqual({ value: 10n * 1024n });
    expect(parseMemflowSize("4M")).toEqual({ error: "number" });
    expect(parseMemflowSize("4")).toEqual({ error: "unit" });
    expect(parseMemflowSize("ffffffffffffffffg")).toEqual({ error: "overflow" });
  });

  test("Rust's unsigned parsing accepts a leading + and nothing else", () => {
    expect(parseRustUnsigned("+ff", 16)).toBe(255n);
    expect(parseRustUnsigned("ff", 10)).toBeUndefined();
    expect(parseRustUnsigned("", 10)).toBeUndefined();
    expect(parseRustUnsigned("0x10", 16)).toBeUndefined();
    expect(parseRustUnsigned("18446744073709551615", 10)).toBe((1n << 64n) - 1n);
    expect(parseRustUnsigned("18446744073709551616", 10)).toBeUndefined();
  });
});

describe("OsArgs", () => {
  test("target and extra args; further parts are ignored", () => {
    const args = parseOsArgs(":dtb=1ab000,kernel_hint=fffff80000000000,symstore=none,arch=x64,vatcache=none");
    expect(args.target).toBeUndefined();
    expect(args.extraArgs.get("dtb")).toBe("1ab000");
    expect(args.extraArgs.get("kernel_hint")).toBe("fffff80000000000");
    expect(parseOsArgs("win10:a=b:whatever").extraArgs.entries()).toEqual([{ key: "a", value: "b" }]);
  });

  test("parse_vatcache", () => {
    expect(parseVatcache(Args.new())).toEqual({ size: 0n, validityTime: 0n });
    expect(parseVatcache(Args.parse("vatcache=default"))).toEqual({ size: 0n, validityTime: 0n });
    expect(parseVatcache(Args.parse("vatcache=none"))).toBeUndefined();
    expect(parseVatcache(Args.parse("vatcache=800;250"))).toEqual({ size: 0x800n, validityTime: 250n });
    expect(parseVatcache(Args.parse("vatcache=800"))).toEqual({ size: 0x800n, validityTime: 0n });
    expect(configurationError(() => parseVatcache(Args.parse("vatcache=zz")))).toBe("Failed to parse VAT size");
    expect(configurationError(() => parseVatcache(Args.parse("vatcache=10;x")))).toBe(
      "Failed to parse VAT validity time",
    );
  });
});
