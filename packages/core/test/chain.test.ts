import { describe, expect, test } from "bun:test";
import { ConnectorChain, chainArguments, connectorStep, MemflowError, OsChain, osStep } from "../src/index.ts";

const argvChain = (argv: string[]) => {
  const { connectors, osLayers } = chainArguments(argv);
  return OsChain.fromArgs(connectors, osLayers);
};

const validationMessage = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof MemflowError && error.is("Other", "ArgValidation")) return error.detail;
    throw error;
  }
  throw new Error("expected (Other, ArgValidation)");
};

describe("build steps", () => {
  test("name[:args] splits at the first ':' only", () => {
    const step = connectorStep("kvm:::cache=true,cache_size=1kb");
    expect(step.kind).toBe("connector");
    expect(step.name).toBe("kvm");
    expect(step.kind === "connector" && step.args?.middlewareArgs.cacheSize).toBe(1024n);
    expect(connectorStep("qemu").args).toBeUndefined();
    expect(connectorStep("kvm:5").args?.target).toBe("5");
    expect(osStep("win32::dtb=1ab000").args?.extraArgs.get("dtb")).toBe("1ab000");
    expect(connectorStep("qemu:win10:memmap=map").args?.extraArgs.get("memmap")).toBe("map");
  });
});

describe("chains from the command line", () => {
  test("-c qemu -o win32", () => {
    const chain = argvChain(["-c", "qemu", "-o", "win32"]);
    expect(chain.steps.map((step) => `${step.kind}:${step.name}`)).toEqual(["connector:qemu", "os:win32"]);
  });

  test("nested -c qemu -o linux -c qemu -o win32 keeps command-line order", () => {
    const chain = argvChain(["-c", "qemu", "-o", "linux", "-c", "qemu", "-o", "win32"]);
    expect(chain.steps.map((step) => `${step.kind}:${step.name}`)).toEqual([
      "connector:qemu",
      "os:linux",
      "connector:qemu",
      "os:win32",
    ]);
  });

  test("an OS without a connector (-o native), and --connector=/--os forms", () => {
    expect(argvChain(["-o", "native"]).steps).toHaveLength(1);
    const chain = argvChain(["-vv", "--connector=coredump:coredump_win10_64bit.raw:", "--os", "win32"]);
    expect(chain.steps[0]?.args?.target).toBe("coredump_win10_64bit.raw");
  });

  test("memflow's validation messages", () => {
    expect(validationMessage(() => argvChain(["-c", "qemu", "-c", "kvm", "-o", "win32"]))).toBe(
      "invalid builder configuration, build steps cannot be used in the given order",
    );
    expect(validationMessage(() => argvChain(["-o", "win32", "-c", "qemu"]))).toBe(
      "invalid builder configuration, last build step has to be a os",
    );
    expect(validationMessage(() => ConnectorChain.fromArgs([], []))).toBe(
      "invalid builder configuration, last build step has to be a connector",
    );
    expect(validationMessage(() => chainArguments(["-c"]))).toContain("-c needs a value");
  });

  test("a connector chain ends with a connector", () => {
    const { connectors, osLayers } = chainArguments(["-c", "qemu", "-o", "win32", "-c", "memflow_kvm"]);
    expect(ConnectorChain.fromArgs(connectors, osLayers).steps.at(-1)?.name).toBe("memflow_kvm");
  });

  test("bad middleware arguments in a step surface as configuration errors", () => {
    expect(() => argvChain(["-c", "kvm:::cache_size=1", "-o", "win32"])).toThrow(/Invalid Page Cache size unit/);
  });
});
