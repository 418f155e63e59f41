/** memflow's own test vectors for the argument grammar (args.rs doc tests and unit tests). */
import { describe, expect, test } from "bun:test";
import { Args, ArgsValidator, describeArg, MemflowError, splitStrArgs } from "../src/index.ts";

describe("splitStrArgs", () => {
  test.each([
    ["a:b:c", ["a", "b", "c"]],
    ["a::c", ["a", "", "c"]],
    ['a:"hello":c', ["a", "hello", "c"]],
    ['a:"hel:lo":c', ["a", "hel:lo", "c"]],
    ['a:"hel:lo:c', ["a", '"hel:lo:c']],
    ["a:'hel\":lo\"':c", ["a", 'hel":lo"', "c"]],
    ['a:hel":lo":c', ["a", 'hel":lo"', "c"]],
    ['"a"b"', ['a"b']],
    ['"', [""]],
    ["", [""]],
  ])("%s splits on ':' as memflow does", (input, expected) => {
    expect(splitStrArgs(input, ":")).toEqual(expected);
  });

  test("a backslash keeps a quote from toggling and is kept", () => {
    expect(splitStrArgs('a=\\"b,c', ",")).toEqual(['a=\\"b', "c"]);
    expect(splitStrArgs("x=`a\\`b`,y", ",")).toEqual(["x=`a\\`b`", "y"]);
  });

  test("quoted urls stay whole (slashes_quotes_split)", () => {
    expect(
      splitStrArgs('url1="uri://ip=test:test@test,test",url2="test:test@test.de,test2:test2@test2.de"', ","),
    ).toEqual(['url1="uri://ip=test:test@test,test"', 'url2="test:test@test.de,test2:test2@test2.de"']);
  });

  test("refuses to split on a quote character", () => {
    expect(() => splitStrArgs("a", '"')).toThrow();
  });
});

describe("Args", () => {
  const roundTrip = (text: string) => Args.parse(Args.parse(text).toString());

  test("from_str and from_str_default", () => {
    const args = Args.parse("opt1=test1,opt2=test2,opt3=test3");
    expect([args.get("opt1"), args.get("opt2"), args.get("opt3"), args.getDefault()]).toEqual([
      "test1",
      "test2",
      "test3",
      undefined,
    ]);
    expect(Args.parse("test0,opt1=test1,opt2=test2,opt3=test3").getDefault()).toBe("test0");
  });

  test("from_str_default2: a bare value after the first entry is dropped", () => {
    const args = Args.parse("opt1=test1,test0");
    expect(args.getDefault()).toBeUndefined();
    expect(args.get("opt1")).toBe("test1");
  });

  test("builder, with_default, and insert replacing in place", () => {
    const args = Args.new().insert("arg1", "test1").insert("arg2", "test2").insert("arg1", "again");
    expect(args.entries()).toEqual([
      { key: "arg1", value: "again" },
      { key: "arg2", value: "test2" },
    ]);
    expect(Args.withDefault("4m").toString()).toBe("4m");
  });

  test("to_string and to_string_with_default round-trip", () => {
    const plain = roundTrip("opt1=test1,opt2=test2,opt3=test3");
    expect([plain.getDefault(), plain.get("opt1"), plain.get("opt3")]).toEqual([undefined, "test1", "test3"]);
    const withDefault = roundTrip("test0,opt1=test1,opt2=test2,opt3=test3");
    expect([withDefault.getDefault(), withDefault.get("opt2")]).toEqual(["test0", "test2"]);
    expect(Args.parse("test0,opt1=test1").toString()).toBe("test0,opt1=test1");
  });

  test("double_quotes, double_quotes_eq and slashes round-trip", () => {
    expect(roundTrip('opt1=test1,test0,opt2="test2,test3"').get("opt2")).toBe("test2,test3");
    expect(roundTrip('opt1=test1,test0,opt2="test2,test3=test4"').get("opt2")).toBe("test2,test3=test4");
    const slashes = roundTrip("device=vmware://,remote=rpc://insecure:computername.local");
    expect([slashes.get("device"), slashes.get("remote")]).toEqual(["vmware://", "rpc://insecure:computername.local"]);
    expect(roundTrip('device="RAWUDP://ip=127.0.0.1"').get("device")).toBe("RAWUDP://ip=127.0.0.1");
  });

  test("slashes_mixed_quotes: backticks parse, and Display quotes with double quotes", () => {
    const args = Args.parse("device=`RAWUDP://ip=127.0.0.1`");
    expect(args.get("device")).toBe("RAWUDP://ip=127.0.0.1");
    expect(args.toString()).toBe('device="RAWUDP://ip=127.0.0.1"');
  });

  test("slashes_quotes_complex", () => {
    const args = roundTrip('url1="uri://ip=test:test@test,test",url2="test:test@test.de,test2:test2@test2.de"');
    expect(args.get("url1")).toBe("uri://ip=test:test@test,test");
    expect(args.get("url2")).toBe("test:test@test.de,test2:test2@test2.de");
  });

  test("edge cases from the grammar", () => {
    expect(Args.parse("a=b=c").getDefault()).toBe("a=b=c");
    expect(Args.parse("x=y,a=b=c").entries()).toEqual([{ key: "x", value: "y" }]);
    expect(Args.parse('"a=b,c"').get("a")).toBe("b,c");
    expect(Args.parse("=v,k=").entries()).toEqual([
      { key: "", value: "v" },
      { key: "k", value: "" },
    ]);
    expect(Args.parse("default=x").getDefault()).toBe("x");
    expect(Args.parse("").size).toBe(0);
    expect(Args.parse("k=1,k=2").get("k")).toBe("2");
  });
});

describe("ArgsValidator", () => {
  const kindOf = (run: () => void) => {
    try {
      run();
      return "ok";
    } catch (error) {
      if (!(error instanceof MemflowError)) throw error;
      return `${error.origin}/${error.kind}: ${error.detail}`;
    }
  };
  const mustBeValid = {
    name: "default",
    validator: (value: string) => (value === "valid_option" ? undefined : "argument must be 'valid_option'"),
  };

  test("validator_success and validator_success_optional", () => {
    const validator = new ArgsValidator().arg({ name: "default" }).arg({ name: "opt1" });
    expect(kindOf(() => validator.validate(Args.parse("test0,opt1=test1")))).toBe("ok");
    expect(kindOf(() => new ArgsValidator().arg({ name: "opt1", required: false }).validate(Args.parse("")))).toBe(
      "ok",
    );
  });

  test("validator_error_required and validator_error_notexist", () => {
    expect(kindOf(() => new ArgsValidator().arg({ name: "opt1", required: true }).validate(Args.parse("")))).toBe(
      "ArgsValidator/RequiredArgNotFound: argument opt1 is required but could not be found",
    );
    expect(kindOf(() => new ArgsValidator().arg({ name: "opt1" }).validate(Args.parse("opt2=arg2")))).toBe(
      "ArgsValidator/ArgNotExists: argument opt2 does not exist",
    );
  });

  test("validator_validate_success and validator_validate_fail", () => {
    const validator = new ArgsValidator().arg(mustBeValid);
    expect(kindOf(() => validator.validate(Args.parse("default=valid_option")))).toBe("ok");
    expect(kindOf(() => validator.validate(Args.parse("invalid_option")))).toBe(
      "ArgsValidator/ArgValidation: argument default is invalid: argument must be 'valid_option'",
    );
  });

  test("displays one descriptor per line, as connectors embed it in help text", () => {
    const validator = new ArgsValidator()
      .arg({ name: "device", description: "the FPGA device", required: true })
      .arg({ name: "memmap" });
    expect(validator.toString()).toBe("device: the FPGA device (required)\nmemmap: no description available");
    expect(describeArg({ name: "x", required: true })).toBe("x: no description available (required)");
  });
});
