// EXPOSE ports (nat.ParsePortSpec), machine port publishing, and Linux signals (moby ParseSignal).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatExposedPort, parseExposePort, parsePortPublish, type PublishedPort } from "../../../compiler/values/ports.js";
import { parseSignal, signalName } from "../../../compiler/values/signal.js";
import { expectErr, expectOk } from "./helpers.js";

const expose: [string, { start: number; end: number; protocol: string; ignoredHostPart?: string }][] = [
  ["80", { start: 80, end: 80, protocol: "tcp" }],
  ["80/tcp", { start: 80, end: 80, protocol: "tcp" }],
  ["80/TCP", { start: 80, end: 80, protocol: "tcp" }],
  ["53/udp", { start: 53, end: 53, protocol: "udp" }],
  ["132/sctp", { start: 132, end: 132, protocol: "sctp" }],
  ["8000-8010/udp", { start: 8000, end: 8010, protocol: "udp" }],
  ["80/", { start: 80, end: 80, protocol: "tcp" }],
  ["80//udp", { start: 80, end: 80, protocol: "tcp" }],
  ["80/udp/x", { start: 80, end: 80, protocol: "udp" }],
  ["8000-8010-9000", { start: 8000, end: 8010, protocol: "tcp" }],
  ["0", { start: 0, end: 0, protocol: "tcp" }],
  ["65535", { start: 65535, end: 65535, protocol: "tcp" }],
  ["8080:80", { start: 80, end: 80, protocol: "tcp", ignoredHostPart: "8080" }],
  ["127.0.0.1:8080:80/udp", { start: 80, end: 80, protocol: "udp", ignoredHostPart: "127.0.0.1:8080" }],
];
for (const [t, p] of expose) test(`parseExposePort ${t}`, () => expectOk(parseExposePort(t), p as never));

const badExpose: [string, RegExp, [number, number]?][] = [
  ["65536", /invalid containerPort: 65536/, [0, 5]],
  ["80/xyz", /invalid proto: xyz/, [3, 3]],
  ["8010-8000", /invalid containerPort: 8010-8000/],
  ["abc", /invalid containerPort/],
  ["", /no port specified/],
  ["/tcp", /no port specified/],
  ["-80", /invalid containerPort/],
  ["80-", /invalid containerPort/],
  ["1.2.3.256:80:80", /invalid IP address: 1.2.3.256/],
  ["01.2.3.4:80:80", /invalid IP address/],
];
for (const [t, msg, span] of badExpose) test(`parseExposePort rejects ${JSON.stringify(t)}`, () => expectErr(parseExposePort(t), msg, span));

const publish: [string, PublishedPort][] = [
  ["8080:80", { hostStart: 8080, hostEnd: 8080, guestStart: 80, guestEnd: 80, protocol: "tcp" }],
  ["127.0.0.1:2222:22/tcp", { hostIp: "127.0.0.1", hostStart: 2222, hostEnd: 2222, guestStart: 22, guestEnd: 22, protocol: "tcp" }],
  ["[::1]:8080:80", { hostIp: "::1", hostStart: 8080, hostEnd: 8080, guestStart: 80, guestEnd: 80, protocol: "tcp" }],
  ["8000-8010:9000-9010/udp", { hostStart: 8000, hostEnd: 8010, guestStart: 9000, guestEnd: 9010, protocol: "udp" }],
  ["::ffff:10.0.0.1:53:53/udp", { hostIp: "::ffff:10.0.0.1", hostStart: 53, hostEnd: 53, guestStart: 53, guestEnd: 53, protocol: "udp" }],
];
for (const [t, p] of publish) test(`parsePortPublish ${t}`, () => expectOk(parsePortPublish(t), p));

const badPublish: [string, RegExp][] = [
  ["80", /missing host port/],
  ["8000-8010:80", /ranges differ/],
  ["8080:80-81", /invalid ranges specified/],
  ["8080:80/icmp", /invalid proto: icmp/],
  ["1.2.3:80:80", /invalid IP address/],
  ["[1.2.3.4:80:80", /invalid IP address/],
  ["x:80", /invalid hostPort: x/],
];
for (const [t, msg] of badPublish) test(`parsePortPublish rejects ${JSON.stringify(t)}`, () => expectErr(parsePortPublish(t), msg));

test("formatExposedPort", () => {
  assert.is(formatExposedPort({ start: 80, end: 80, protocol: "tcp" }), "80/tcp");
  assert.is(formatExposedPort({ start: 8000, end: 8010, protocol: "udp" }), "8000-8010/udp");
});

const signals: [string, number, string][] = [
  ["SIGTERM", 15, "SIGTERM"], ["TERM", 15, "SIGTERM"], ["sigkill", 9, "SIGKILL"], ["SigInt", 2, "SIGINT"],
  ["SIGQUIT", 3, "SIGQUIT"], ["SIGRTMIN", 34, "SIGRTMIN"], ["SIGRTMIN+3", 37, "SIGRTMIN+3"], ["RTMAX-1", 63, "SIGRTMAX-1"],
  ["RTMAX", 64, "SIGRTMAX"], ["9", 9, "SIGKILL"], ["+9", 9, "SIGKILL"], ["15", 15, "SIGTERM"], ["64", 64, "SIGRTMAX"],
  ["SIGIOT", 6, "SIGABRT"], ["CLD", 17, "SIGCHLD"], ["POLL", 29, "SIGIO"], ["32", 32, "32"], ["33", 33, "33"], ["SIGWINCH", 28, "SIGWINCH"],
  ["SIGSTKFLT", 16, "SIGSTKFLT"], ["SIGPWR", 30, "SIGPWR"], ["SIGSYS", 31, "SIGSYS"],
];
for (const [t, n, name] of signals) test(`parseSignal ${t}`, () => expectOk(parseSignal(t), { number: n, name }));
for (const [t, msg] of [["0", /invalid signal: 0$/], ["65", /out of range/], ["-1", /out of range/], ["SIGFOO", /invalid signal/], ["", /invalid signal/], ["SIG", /invalid signal/], ["SIGSIGTERM", /invalid signal/], ["9.0", /invalid signal/]] as [string, RegExp][]) {
  test(`parseSignal rejects ${JSON.stringify(t)}`, () => expectErr(parseSignal(t), msg, undefined, /SIGTERM/));
}

test("every canonical name parses back to its number", () => {
  for (let n = 1; n <= 64; n++) {
    const r = parseSignal(String(n));
    assert.ok(r.ok);
    if (r.ok) expectOk(parseSignal(r.value.name), { number: n, name: r.value.name });
  }
});

test("signalName", () => {
  assert.is(signalName(15), "SIGTERM");
  assert.is(signalName(6), "SIGABRT");
  assert.is(signalName(0), undefined);
});

test.run();
