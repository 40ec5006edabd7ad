// RUN --mount values: BuildKit's keys, defaults, per-type validity and Go CSV quoting.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { parseMount, type MountSpec } from "../../../compiler/values/mount.js";
import { readCsvRecord } from "../../../compiler/values/csv.js";
import { expectErr, expectOk } from "./helpers.js";

const good: [string, MountSpec][] = [
  ["type=cache,target=/root/.cache", { type: "cache", target: "/root/.cache", readOnly: false, required: false, sharing: "shared" }],
  ["target=/src", { type: "bind", target: "/src", readOnly: true, required: false }],
  ["type=bind,source=.,target=/src,rw", { type: "bind", source: ".", target: "/src", readOnly: false, required: false }],
  ["type=bind,src=ctx,dst=/x,readwrite", { type: "bind", source: "ctx", target: "/x", readOnly: false, required: false }],
  ["type=bind,target=/x,readonly=false", { type: "bind", target: "/x", readOnly: false, required: false }],
  ["type=bind,destination=/x,ro=true", { type: "bind", target: "/x", readOnly: true, required: false }],
  ["type=cache,target=/x,ro", { type: "cache", target: "/x", readOnly: true, required: false, sharing: "shared" }],
  ["type=bind,from=builder,source=/out,target=/in", { type: "bind", from: "builder", source: "/out", target: "/in", readOnly: true, required: false }],
  ["type=tmpfs,target=/tmp,size=64m", { type: "tmpfs", target: "/tmp", size: 64 * 1024 * 1024, readOnly: false, required: false }],
  ["type=tmpfs,target=/tmp", { type: "tmpfs", target: "/tmp", readOnly: false, required: false }],
  ["type=secret,id=token,target=/run/secrets/t,required", { type: "secret", id: "token", target: "/run/secrets/t", readOnly: true, required: true }],
  ["type=secret,id=aws,env=AWS_KEY", { type: "secret", id: "aws", env: "AWS_KEY", readOnly: true, required: false }],
  ["type=secret,source=token", { type: "secret", source: "token", readOnly: true, required: false }],
  ["type=secret,id=t,required=false,mode=0400,uid=1000,gid=1000", { type: "secret", id: "t", required: false, mode: 0o400, uid: 1000, gid: 1000, readOnly: true }],
  ["type=ssh", { type: "ssh", readOnly: true, required: false }],
  ["type=ssh,id=default,required=true,mode=0600", { type: "ssh", id: "default", required: true, mode: 0o600, readOnly: true }],
  ["type=cache,target=/x,sharing=locked,id=c1,from=builder,source=/cache,mode=0777,uid=0,gid=0", { type: "cache", target: "/x", sharing: "locked", id: "c1", from: "builder", source: "/cache", mode: 0o777, uid: 0, gid: 0, readOnly: false, required: false }],
  ["TYPE=Cache,Target=/x,SHARING=Private", { type: "cache", target: "/x", sharing: "private", readOnly: false, required: false }],
  ['"type=bind","target=/a,b"', { type: "bind", target: "/a,b", readOnly: true, required: false }],
  ['type=bind,"target=/say ""hi"""', { type: "bind", target: '/say "hi"', readOnly: true, required: false }],
  ["type=bind,target=/a=b", { type: "bind", target: "/a=b", readOnly: true, required: false }],
  ["type=bind,target=/x\nignored=line", { type: "bind", target: "/x", readOnly: true, required: false }],
  ["type=bind,target=/x,ro=1,rw=0", { type: "bind", target: "/x", readOnly: true, required: false }],
  ["type=bind,target=/x,id=ignored-by-bind", { type: "bind", target: "/x", id: "ignored-by-bind", readOnly: true, required: false }],
];
for (const [text, spec] of good) test(`parseMount ${JSON.stringify(text)}`, () => expectOk(parseMount(text), spec, text));

const bad: [string, RegExp, [number, number]?, RegExp?][] = [
  ["type=volume,target=/x", /unsupported mount type "volume"/, [0, 11], /valid types: bind, cache, tmpfs, secret, ssh/],
  ["type=cahce,target=/x", /unsupported mount type "cahce"/, [0, 10], /did you mean cache/],
  ["required,type=secret,id=x", /unexpected key 'required' for mount type 'bind'/, [0, 8], /type= first/],
  ["type=bind,target=/x,size=1m", /unexpected key 'size' for mount type 'bind'/, [20, 7]],
  ["type=tmpfs,target=/x,size=abc", /invalid value for size: abc/, [21, 8]],
  ["type=bind,target=/x,mode=0755", /mode not allowed for "bind" type mounts/],
  ["type=tmpfs,target=/x,uid=1", /uid not allowed for "tmpfs" type mounts/],
  ["type=bind,target=/x,gid=1", /gid not allowed/],
  ["type=secret,source=a,id=b", /both source and id can't be set/],
  ["type=secret", /one of source, target required/],
  ["type=secret,id=x,from=stage", /secret mount should not have a from/],
  ["type=secret,id=x,sharing=locked", /secret mount should not define sharing/],
  ["type=bind,target=/x,sharing=locked", /invalid cache sharing set for bind mount/],
  ["type=cache,target=/x,sharing=exclusive", /unsupported sharing value "exclusive"/, [21, 17]],
  ["target=/x,from=$STAGE", /'from' doesn't support variable expansion, define alias stage instead/, [10, 11]],
  ["target=/x,from=${STAGE}", /doesn't support variable expansion/],
  ["target=/x,foo=bar", /unexpected key 'foo' in 'foo=bar'/, [10, 7]],
  ["tagret=/y", /unexpected key 'tagret'/, [0, 9], /did you mean target/],
  ["target=/x,bogus", /invalid field 'bogus' must be a key=value pair/, [10, 5]],
  ["type=cache,target=/x,mode=999", /invalid value 999 for mode/],
  ["type=cache,target=/x,mode=0o755", /invalid value 0o755 for mode/],
  ["type=cache,target=/x,uid=-1", /invalid value -1 for uid/],
  ["type=cache,target=/x,gid=4294967296", /invalid value 4294967296 for gid/],
  ["type=bind,target=/x,ro=maybe", /invalid value for ro: maybe/],
  ["type=secret,id=x,required=yes", /invalid value for required: yes/],
  ["type=cache,target=/x,env=A", /unexpected key 'env' for mount type 'cache'/],
  ["", /failed to parse csv mounts: EOF/],
  ['target="/x', /bare " in non-quoted-field/, [7, 1]],
  ['"target=/x', /extraneous or missing " in quoted-field/],
  ['"target=/x"y', /extraneous or missing " in quoted-field/, [10, 1]],
];
for (const [text, msg, span, hint] of bad) test(`parseMount rejects ${JSON.stringify(text)}`, () => expectErr(parseMount(text), msg, span, hint, text));

test("field values are expanded through the callback, except from", () => {
  const seen: string[] = [];
  const r = parseMount("type=cache,target=$DIR,id=$ID", {
    expand: (v, k) => {
      seen.push(k);
      return v.replace("$DIR", "/d").replace("$ID", "cache-1");
    },
  });
  expectOk(r, { type: "cache", target: "/d", id: "cache-1", readOnly: false, required: false, sharing: "shared" });
  assert.equal(seen, ["type", "target", "id"]);
});

test("Go csv: quoted fields, doubled quotes, CRLF, leading blank lines", () => {
  const vals = (s: string) => {
    const r = readCsvRecord(s);
    return r.ok ? r.value.map((f) => [f.value, f.offset]) : r.message;
  };
  assert.equal(vals("a,b,c"), [["a", 0], ["b", 2], ["c", 4]]);
  assert.equal(vals('"a,b",c'), [["a,b", 0], ["c", 6]]);
  assert.equal(vals('"a""b"'), [['a"b', 0]]);
  assert.equal(vals('"a\r\nb",c'), [["a\nb", 0], ["c", 7]]);
  assert.equal(vals("\n\na,b\r\nc,d"), [["a", 2], ["b", 4]]);
  assert.equal(vals("a,"), [["a", 0], ["", 2]]);
  assert.equal(vals(",a"), [["", 0], ["a", 1]]);
  assert.equal(vals("a\r"), [["a", 0]]);
  assert.equal(vals("a,b\nc,d"), [["a", 0], ["b", 2]]);
  assert.equal(vals('"x\ny",b\nc'), [["x\ny", 0], ["b", 6]]);
  assert.equal(vals('a,"x\ny",b,c\nd'), [["a", 0], ["x\ny", 2], ["b", 8], ["c", 10]]);
  assert.equal(vals(' "a"'), 'failed to parse csv mounts: parse error on line 1, column 2: bare " in non-quoted-field');
});

test("parseMount never throws; error spans stay inside the value", () => {
  const chars = fc.constantFrom("type=", "cache", "secret", "bind", "tmpfs", "ssh", ",", '"', "=", "target=/x", "ro", "required", "size=", "1m", "mode=", "0755", "id=a", "source=b", "from=c", "$x", "\n", " ");
  fc.assert(
    fc.property(fc.array(chars, { maxLength: 12 }).map((a) => a.join("")), (text) => {
      const r = parseMount(text);
      if (!r.ok && r.offset !== undefined) {
        assert.ok(r.offset >= 0 && r.offset + (r.length ?? 0) <= Math.max(text.length, 0) + 0);
      }
    }),
    { numRuns: 2000 },
  );
});

test.run();
