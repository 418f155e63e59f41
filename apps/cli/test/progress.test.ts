import { expect, test } from "bun:test";
import { downloadProgress } from "../src/progress.ts";
import { captureStream, testContext } from "./capture.ts";

test("the progress line shows bytes, total and the rate once it can be measured", async () => {
  const stderr = captureStream(true);
  const { context } = testContext({ home: "/nowhere", cwd: "/nowhere", stderr });
  const progress = downloadProgress(context);
  const update = progress.track("coredump:latest");
  update(1024, 4096);
  await Bun.sleep(300);
  update(3072, 4096);
  progress.done("coredump:latest");
  const text = stderr.text();
  expect(text).toContain("[#######>----------------------] 1.0 KiB/4.0 KiB coredump:latest");
  expect(text).toMatch(/\[#{22}>-{7}\] 3\.0 KiB\/4\.0 KiB \([\d.]+ (B|KiB)\/s\) coredump:latest/);
  expect(text.endsWith("\r\x1b[2K")).toBe(true);
});
