// deb822 parsing: the generic stanza parser, the lazy byte-oriented Packages index, and relations.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatStanza, parseDeb822 } from "../../runtime/packages/deb822.js";
import { PackagesIndex } from "../../runtime/packages/packagesIndex.js";
import { parseRelations, formatClause } from "../../runtime/packages/relations.js";

const PACKAGES = `Package: foo
Version: 1:2.0-1
Architecture: amd64
Multi-Arch: same
Depends: libc6 (>= 2.36), bar:any | baz (<< 3~),
 qux [i386], quux [!i386]
Pre-Depends: dpkg (>= 1.19)
Provides: foo-virtual (= 2.0), other
Essential: yes
Description: a package
 long line one
 .
 after a blank
Filename: pool/main/f/foo/foo_2.0-1_amd64.deb
Size: 1234
SHA256: ABCDEF

Package: foo
Version: 1.0-1
Architecture: amd64
Filename: pool/main/f/foo/foo_1.0-1_amd64.deb
Size: 10
SHA256: 00

Package: bar
Version: 3
Architecture: all
Multi-Arch: foreign
Provides: other (= 5)
`;

test("parseDeb822: multi-line fields, ' .' blank lines, comments, case-insensitive lookup", () => {
  const { stanzas, problems } = parseDeb822("# c\nTypes: deb\nURIs: http://m/d\nsuites: a\n  b\n\nTypes: deb-src\n", { comments: true });
  assert.equal(problems, []);
  assert.is(stanzas.length, 2);
  assert.is(stanzas[0]!.get("Suites"), "a\n b");
  assert.is(stanzas[0]!.get("uris"), "http://m/d");
  const r = parseDeb822("Description: x\n one\n .\n two\n");
  assert.is(r.stanzas[0]!.get("description"), "x\none\n\ntwo");
  assert.is(formatStanza(r.stanzas[0]!.entries()), "Description: x\n one\n .\n two\n");
});

test("parseDeb822 reports malformed lines instead of throwing", () => {
  const r = parseDeb822(" leading continuation\nno colon here\nA: 1\nA: 2\n");
  assert.is(r.problems.length, 3);
  assert.is(r.stanzas[0]!.get("A"), "2");
});

test("PackagesIndex: names, versions, lazy fields and multi-line values", () => {
  const idx = new PackagesIndex(Buffer.from(PACKAGES), "test", "amd64");
  assert.is(idx.size, 3);
  assert.equal([...idx.stanzasOf("foo")], [0, 1]);
  assert.equal([...idx.stanzasOf("nope")], []);
  const e = idx.entry(0);
  assert.is(e.version, "1:2.0-1");
  assert.is(e.multiArch, "same");
  assert.is(e.essential, true);
  assert.is(e.sha256, "abcdef");
  assert.is(e.size, 1234);
  assert.is(idx.field(0, "description"), "a package\nlong line one\n\nafter a blank");
  assert.equal(e.preDepends, [[{ name: "dpkg", relation: ">=", version: "1.19" }]]);
  // [i386] drops qux on amd64, [!i386] keeps quux.
  assert.equal(e.depends.map(formatClause), ["libc6 (>= 2.36)", "bar:any | baz (<< 3~)", "quux"]);
  assert.equal(e.provides, [{ name: "foo-virtual", relation: "=", version: "2.0" }, { name: "other" }]);
  assert.is(idx.entry(2).multiArch, "foreign");
});

test("PackagesIndex: providers table covers every Provides line", () => {
  const idx = new PackagesIndex(Buffer.from(PACKAGES), "test", "amd64");
  assert.equal([...idx.providersOf("other")], [0, 2]);
  assert.equal([...idx.providersOf("foo-virtual")], [0]);
  assert.equal([...idx.providersOf("libc6")], []);
});

test("PackagesIndex tolerates CRLF and missing trailing newline", () => {
  const idx = new PackagesIndex(Buffer.from("Package: a\r\nVersion: 1\r\n\r\n\r\nPackage: b\r\nVersion: 2"), "t");
  assert.is(idx.size, 2);
  assert.is(idx.entry(0).version, "1");
  assert.is(idx.entry(1).version, "2");
});

test("parseRelations: obsolete < and >, invalid alternatives are reported", () => {
  const r = parseRelations("a (< 1), b (> 2), c (>= ), d:native");
  assert.equal(r.clauses, [[{ name: "a", relation: "<=", version: "1" }], [{ name: "b", relation: ">=", version: "2" }], [{ name: "d", archQual: "native" }]]);
  assert.equal(r.invalid, ["c (>= )"]);
});

test.run();
