// Every spec in examples/ compiles with zero diagnostics (errors or warnings).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compile } from "../../compiler/compile.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const files = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".vmspec"));

test("the required examples exist", () => {
  for (const name of ["hello", "multi-stage", "riscv64-vm", "packages", "include"]) {
    assert.ok(files.includes(`${name}.vmspec`), name);
  }
});

for (const f of files) {
  test(`examples/${f} compiles with zero diagnostics`, () => {
    const path = `examples/${f}`;
    const r = compile(path, readFileSync(join(root, path), "utf8"), {}, {
      read: (p) => ({ ok: true, text: readFileSync(join(root, p), "utf8") }),
    });
    assert.equal(r.diagnostics, []);
    assert.ok(r.ir !== null);
  });
}

test("hello's userland comes from Debian packages and its CMD uses busybox", () => {
  const r = compile("hello.vmspec", readFileSync(join(root, "examples/hello.vmspec"), "utf8"));
  const st = r.ir!.stages[r.ir!.target]!;
  assert.equal(st.base, { kind: "scratch" });
  assert.ok(st.ops.some((o) => o.kind === "packages" && o.distro === "debian" && o.packages.some((p) => p.name === "busybox-static")));
  assert.is(st.config.cmd![0], "/bin/busybox");
});

test("the riscv64 example is a VM with a Debian kernel", () => {
  const r = compile("x", readFileSync(join(root, "examples/riscv64-vm.vmspec"), "utf8"));
  const m = r.ir!.stages[0]!.machine;
  assert.is(r.ir!.platform.architecture, "riscv64");
  assert.is(m.launch, "vm");
  assert.equal(m.kernel?.source, { kind: "package", distro: "debian", suite: "trixie", arch: "riscv64", name: "linux-image-riscv64" });
});

test("the include example records the included file's digest", () => {
  const r = compile("examples/include.vmspec", readFileSync(join(root, "examples/include.vmspec"), "utf8"), {}, {
    read: (p) => ({ ok: true, text: readFileSync(join(root, p), "utf8") }),
  });
  assert.is(r.ir!.includes[0]!.path, "examples/include/base.inc");
  assert.match(r.ir!.includes[0]!.digest, /^sha256:[0-9a-f]{64}$/);
});

test.run();
