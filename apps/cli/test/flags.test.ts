import { describe, expect, test } from "bun:test";
import { FlagError, parseFlagList } from "../src/flags.ts";

const SPECS = {
  registry: { type: "string", short: "r" },
  quiet: { type: "boolean", short: "q" },
  all: { type: "boolean", short: "a" },
  pull: { type: "string", multiple: true },
  wide: { type: "boolean" },
} as const;

describe("parseFlagList", () => {
  test("long, short and inline values, with positionals in between", () => {
    const parsed = parseFlagList(["one", "--registry", "http://a", "-q", "two", "--pull=x", "--pull", "y"], SPECS);
    expect(parsed.values).toEqual({ registry: "http://a", quiet: true, pull: ["x", "y"] });
    expect(parsed.positionals).toEqual(["one", "two"]);
  });

  test("a short string flag takes its value attached or next; grouped booleans", () => {
    expect(parseFlagList(["-rhttp://b"], SPECS).values).toEqual({ registry: "http://b" });
    expect(parseFlagList(["-r=http://c"], SPECS).values).toEqual({ registry: "http://c" });
    expect(parseFlagList(["-qa"], SPECS).values).toEqual({ quiet: true, all: true });
    expect(parseFlagList(["-qr", "http://d"], SPECS).values).toEqual({ quiet: true, registry: "http://d" });
  });

  test("the last value of a repeated single flag wins; `--` ends the flags", () => {
    const parsed = parseFlagList(["-r", "a", "--registry=b", "--", "--quiet", "-x"], SPECS);
    expect(parsed.values).toEqual({ registry: "b" });
    expect(parsed.positionals).toEqual(["--quiet", "-x"]);
  });

  test("a lone `-` and an empty value are values, not flags", () => {
    expect(parseFlagList(["-"], SPECS).positionals).toEqual(["-"]);
    expect(parseFlagList(["--registry", "-"], SPECS).values).toEqual({ registry: "-" });
    expect(parseFlagList(["--registry="], SPECS).values).toEqual({ registry: "" });
  });

  test("mistakes are FlagErrors naming the flag", () => {
    const message = (args: string[]) => {
      try {
        parseFlagList(args, SPECS);
      } catch (error) {
        expect(error).toBeInstanceOf(FlagError);
        return (error as Error).message;
      }
      throw new Error(`accepted ${args.join(" ")}`);
    };
    expect(message(["--bogus"])).toBe("Unknown option '--bogus'");
    expect(message(["-x"])).toBe("Unknown option '-x'");
    expect(message(["--registry"])).toBe("Option '-r, --registry <value>' argument missing");
    expect(message(["--quiet=yes"])).toBe("Option '-q, --quiet' does not take a value");
    expect(message(["--registry", "--quiet"])).toContain("write --registry=--quiet if that is the value");
    // Names on Object.prototype are not flags.
    expect(message(["--constructor"])).toBe("Unknown option '--constructor'");
  });
});
