// Lowering of RUN: argv (shell form, exec form, heredoc scripts), --mount, --network, --security,
// --device, and the process context (env, ARGs, user, workdir).
import type { RunNode } from "../ast/types.js";
import { sealOp, UNSEALED } from "../ir/canonical.js";
import { append, fitted } from "../arrays.js";
import type { InlineFile, RunMount, RunOp } from "../ir/types.js";
import type { LowerContext } from "./context.js";
import { resolveWorkdir, shellArgv } from "./config.js";
import { resolveStageRef } from "./stageRef.js";
import { addOp, type StageState } from "./stage.js";
import { parseMountText } from "./values.js";

/** Where heredoc scripts are written for a RUN (BuildKit uses a tmpfs at /dev/pipes). */
export const HEREDOC_DIR = "/dev/pipes";

/** The value of a `from=` field of a `--mount` value (group 2). */
const MOUNT_FROM_RE = /(^|,)\s*from=([^,]*)/i;

/** A copy of `o` with its keys inserted in sorted order (the order the IR prints; ids do not depend on it). */
function withSortedKeys<T extends object>(o: T): T {
  const out = {} as Record<string, unknown>;
  for (const k of Object.keys(o).sort()) out[k] = (o as Record<string, unknown>)[k];
  return out as T;
}

/** Lowers one RUN instruction into a run op on top of the stage's current filesystem. */
export function lowerRun(ctx: LowerContext, st: StageState, n: RunNode): void {
  // The op's lists are made on their first element (compiler/arrays.ts `append`): most RUNs have
  // no file, mount or device, and those that do mostly have one.
  let args: string[];
  let files: InlineFile[] | null = null;
  const c = n.command;
  if (c === null && n.heredocs.length === 0) return;
  if (c !== null && c.form === "exec") {
    args = c.args; // shared with the AST (see commandArgv in config.ts)
  } else {
    const text = c?.text ?? "";
    const only = n.heredocs.length === 1 && /^\d*<<-?\S+$/.test(text.trim());
    if (only) {
      // DOCKERFILE.md H4: a RUN that is just a heredoc runs its body; `#!` picks the interpreter.
      const h = n.heredocs[0]!;
      if (h.content.startsWith("#!")) {
        const path = `${HEREDOC_DIR}/${h.name}`;
        files = [{ content: h.content, mode: 0o755, path }];
        args = [path];
      } else {
        args = shellArgv(st.config.shell, h.content);
      }
    } else if (n.heredocs.length > 0) {
      // The shell reads the heredocs itself: pass the line and bodies as one script.
      let script = text;
      for (const h of n.heredocs) script += `\n${h.content}${h.name}`;
      args = shellArgv(st.config.shell, script + "\n");
    } else {
      args = shellArgv(st.config.shell, text);
    }
  }

  const inputs = [st.current];
  let mounts: RunMount[] | null = null;
  let network: RunOp["network"] = "default";
  let security: RunOp["security"] = "sandbox";
  let devices: RunOp["devices"] | null = null;
  // By index: for…of over the shared frozen empty list allocates (compiler/lower/config.ts).
  for (let i = 0; i < n.flags.length; i++) {
    const f = n.flags[i]!;
    const v = f.value ?? "";
    if (f.name === "mount") {
      let r: ReturnType<typeof parseMountText>;
      if (ctx.isLiteral(v, f.file)) {
        // No `$`, quote or escape: neither `from=` nor any field value (a substring) can expand.
        r = parseMountText(v);
      } else {
        // Mount values are expanded, except `from=` (checked first).
        const fromRaw = MOUNT_FROM_RE.exec(v)?.[2];
        if (fromRaw !== undefined && fromRaw.includes("$")) {
          ctx.report("mountFromVariable", f.span);
          continue;
        }
        let expandFailed = false;
        r = parseMountText(v, (value) => {
          const x = ctx.expandText(value, f, st.scope);
          if (x === null) expandFailed = true;
          return x ?? "";
        });
        if (expandFailed) continue;
      }
      if (!r.ok) {
        ctx.report("badMount", f.span, [r.message], r.hint);
        continue;
      }
      let m = r.value;
      // BuildKit resolves a relative mount target against the WORKDIR.
      if (!m.target.startsWith("/")) m.target = resolveWorkdir(st.config.workdir, m.target);
      if (r.from !== undefined) {
        const ref = resolveStageRef(ctx, st, r.from, f.span);
        if (ref !== null) {
          m = withSortedKeys({ ...m, from: ref });
          if (ref.kind === "stage") inputs.push(ref.op);
        }
      }
      mounts = append(mounts, m);
    } else if (f.name === "network") {
      if (v === "default" || v === "none" || v === "host") network = v;
      else ctx.report("flagBadValue", f.span, ["network", v, "expected default, none or host"]);
    } else if (f.name === "security") {
      if (v === "sandbox" || v === "insecure") security = v;
      else ctx.report("flagBadValue", f.span, ["security", v, "expected sandbox or insecure"]);
    } else if (f.name === "device") {
      const [name, ...opts] = v.split(",");
      let required = false;
      let bad = name === undefined || name === "";
      for (const o of opts) {
        if (o === "required" || o === "required=true") required = true;
        else if (o === "required=false") required = false;
        else bad = true;
      }
      if (bad) ctx.report("flagBadValue", f.span, ["device", v, "expected NAME[,required[=BOOL]]"]);
      else devices = append(devices, { name: name!, required });
    }
  }
  // `id` first (set by sealOp), then keys in sorted order: the IR prints them in this order (the op
  // id does not depend on it, compiler/ir/serialise.ts).
  const op = sealOp<RunOp>({
    id: UNSEALED,
    argEnv: st.scope.argEnv(),
    args,
    devices: fitted(devices),
    env: st.scope.env.toList(),
    files: fitted(files),
    inputs: fitted(inputs),
    kind: "run",
    mounts: fitted(mounts),
    network,
    security,
    user: st.config.user,
    workdir: st.config.workdir,
  });
  addOp(st, op, n.span);
}
