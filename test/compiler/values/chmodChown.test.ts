// COPY --chmod (octal and symbolic, applied with chmod(1) semantics) and --chown / USER values.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { applyChmod, parseChmod, type ChmodSpec } from "../../../compiler/values/chmod.js";
import { parseChown, type Chown } from "../../../compiler/values/chown.js";
import { expectErr, expectOk } from "./helpers.js";

const octal: [string, number][] = [["755", 0o755], ["0755", 0o755], ["0644", 0o644], ["7777", 0o7777], ["07777", 0o7777], ["0", 0], ["000000644", 0o644], ["0".repeat(400) + "7", 7]];
for (const [t, m] of octal) test(`parseChmod octal ${t}`, () => expectOk(parseChmod(t), { kind: "octal", mode: m }));

test("parseChmod symbolic clauses", () => {
  expectOk(parseChmod("+x"), { kind: "symbolic", clauses: [{ who: "", actions: [{ op: "+", perms: "x" }] }] });
  expectOk(parseChmod("u+x,g-w"), {
    kind: "symbolic",
    clauses: [
      { who: "u", actions: [{ op: "+", perms: "x" }] },
      { who: "g", actions: [{ op: "-", perms: "w" }] },
    ],
  });
  expectOk(parseChmod("go=u-w"), { kind: "symbolic", clauses: [{ who: "go", actions: [{ op: "=", perms: "", copy: "u" }, { op: "-", perms: "w" }] }] });
  expectOk(parseChmod("u=rwx,g=rx,o="), {
    kind: "symbolic",
    clauses: [
      { who: "u", actions: [{ op: "=", perms: "rwx" }] },
      { who: "g", actions: [{ op: "=", perms: "rx" }] },
      { who: "o", actions: [{ op: "=", perms: "" }] },
    ],
  });
  expectOk(parseChmod("a=rX"), { kind: "symbolic", clauses: [{ who: "a", actions: [{ op: "=", perms: "rX" }] }] });
  expectOk(parseChmod("ugo+rwxXst"), { kind: "symbolic", clauses: [{ who: "ugo", actions: [{ op: "+", perms: "rwxXst" }] }] });
});

const badChmod: [string, RegExp, [number, number]?][] = [
  ["10000", /it should be octal string and between 0 and 07777/, [0, 5]],
  ["8", /should be octal string/],
  ["0789", /should be octal string/],
  ["7".repeat(400), /should be octal string/],
  ["", /should be octal string/],
  ["0o755", /bad symbolic mode clause "0o755"/, [0, 5]],
  ["x+", /bad symbolic mode clause/],
  ["u+y", /bad symbolic mode clause/],
  ["u+x,", /bad symbolic mode clause ""/, [4, 0]],
  ["u", /bad symbolic mode clause/],
  ["u+x,g+q", /bad symbolic mode clause "g\+q"/, [4, 3]],
  ["u+gw", /bad symbolic mode clause/],
];
for (const [t, msg, span] of badChmod) test(`parseChmod rejects ${JSON.stringify(t)}`, () => expectErr(parseChmod(t), msg, span));

test("applyChmod follows chmod(1)", () => {
  const ap = (t: string, mode: number, dir = false): number => {
    const r = parseChmod(t);
    if (!r.ok) throw new Error(r.message);
    return applyChmod(r.value as ChmodSpec, mode, dir);
  };
  const cases: [string, number, boolean, number][] = [
    ["+x", 0o644, false, 0o755],
    ["u+x,g-w", 0o664, false, 0o744],
    ["a=rX", 0o644, false, 0o444],
    ["a=rX", 0o644, true, 0o555],
    ["a=rX", 0o754, false, 0o555],
    ["go=u-w", 0o750, false, 0o755],
    ["u+s", 0o755, false, 0o4755],
    ["g+s", 0o755, true, 0o2755],
    ["+t", 0o777, true, 0o1777],
    ["u+t", 0o777, true, 0o777],
    ["o=", 0o777, false, 0o770],
    ["g=u", 0o640, false, 0o660],
    ["u=rw,go=r", 0o777, false, 0o644],
    ["a-x", 0o4755, false, 0o4644],
    ["u=rwx", 0o4755, false, 0o755],
    ["0600", 0o777, false, 0o600],
    ["+rw-x=r", 0o777, false, 0o444],
  ];
  for (const [t, m, dir, want] of cases) assert.is(ap(t, m, dir).toString(8), want.toString(8), `${t} on ${m.toString(8)}${dir ? " dir" : ""}`);
});

const chown: [string, Chown][] = [
  ["1000", { user: { id: 1000 } }],
  ["1000:1000", { user: { id: 1000 }, group: { id: 1000 } }],
  ["app", { user: { name: "app" } }],
  ["app:app", { user: { name: "app" }, group: { name: "app" } }],
  ["app:1000", { user: { name: "app" }, group: { id: 1000 } }],
  ["0:0", { user: { id: 0 }, group: { id: 0 } }],
  ["4294967295", { user: { id: 4294967295 } }],
  ["4294967296", { user: { name: "4294967296" } }],
  ["-1", { user: { name: "-1" } }],
  ["007", { user: { id: 7 } }],
  [":staff", { group: { name: "staff" } }],
  ["a:b:c", { user: { name: "a" }, group: { name: "b:c" } }],
];
for (const [t, c] of chown) test(`parseChown ${t}`, () => expectOk(parseChown(t), c));
for (const [t, msg] of [["", /empty user/], ["app:", /missing group/], [":", /missing group/]] as [string, RegExp][]) {
  test(`parseChown rejects ${JSON.stringify(t)}`, () => expectErr(parseChown(t), msg));
}

test.run();
