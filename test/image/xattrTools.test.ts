// xattrToolsAvailable looks getfattr/setfattr up on $PATH without starting a process: executable
// files count, non-executable files and directories do not, and both tools are needed.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const xattrs = fileURLToPath(new URL("../../runtime/image/xattrs.js", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "vmspec-xattr-tools-"));

/** xattrToolsAvailable() in a fresh process with PATH = `dirs`. */
function availableWith(...dirs: string[]): boolean {
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", `const m = await import(${JSON.stringify(xattrs)}); console.log(m.xattrToolsAvailable())`], {
    env: { ...process.env, PATH: dirs.join(":") },
    encoding: "utf8",
  });
  return out.trim() === "true";
}

function dirWith(name: string, files: Record<string, number | "dir">): string {
  const d = join(root, name);
  mkdirSync(d);
  for (const [f, mode] of Object.entries(files)) {
    if (mode === "dir") mkdirSync(join(d, f));
    else {
      writeFileSync(join(d, f), "#!/bin/sh\n");
      chmodSync(join(d, f), mode);
    }
  }
  return d;
}

test("both tools, executable, somewhere on PATH", () => {
  const get = dirWith("get", { getfattr: 0o755 });
  const set = dirWith("set", { setfattr: 0o755 });
  assert.ok(availableWith(get, set));
  assert.not.ok(availableWith(get));
  assert.not.ok(availableWith(dirWith("plain", { getfattr: 0o644, setfattr: 0o644 })));
  assert.not.ok(availableWith(dirWith("dirs", { getfattr: "dir", setfattr: "dir" })));
  assert.not.ok(availableWith(join(root, "absent")));
});

test.after(() => rmSync(root, { recursive: true, force: true }));

test.run();
