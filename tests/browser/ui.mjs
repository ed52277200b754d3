// The admin UI in headless Chromium against the real binary: setup → the first-run guide
// (public address, zone and delegation, first host, its router snippet) → login → create
// host → copy a router config → a real update over HTTP → the dashboard shows it without
// reload → a record with a validation error, fixed, edited in place, served by DNS →
// regenerate a token, the old one refused → alerts (settings, a webhook that receives its
// test) → failed updates shown as failing, per result code → a new token from the host page
// fills its snippets → add an account, invite → two-factor sign-in on, the next login asks
// for a code → every screen at 1280 and 390 px: no sideways scrolling at 390, axe-core finds
// nothing serious or critical → back, forward and reload keep the screen → logout.
// Screenshots go to target/ui-screenshots/.
//
// Variables: PORCHLIGHT_BIN (default target/debug/porchlight), CHROMIUM (default /usr/bin/chromium).
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import dgram from "node:dgram";
import fs from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const binary = process.env.PORCHLIGHT_BIN || path.join(root, "target/debug/porchlight");
const shots = path.join(root, "target/ui-screenshots");
fs.rmSync(shots, { recursive: true, force: true });
fs.mkdirSync(shots, { recursive: true });

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const ZONE = "dyn.example.test";
const HOST = `home.${ZONE}`;
const EMAIL = "admin@example.com";
const PASSWORD = "correct horse battery staple";

/** Starts the appliance on free loopback ports; resolves with its addresses and setup link. */
function startAppliance() {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "porchlight-ui-"));
  // The appliance refuses unknown PORCHLIGHT_* variables, so this script's own stay out.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PORCHLIGHT_")));
  // Delegation checks stay on loopback: the discard port, which refuses at once.
  env.PORCHLIGHT_DELEGATION_RESOLVER = "127.0.0.1:9";
  const child = spawn(binary, ["serve", "--data-dir", data, "--http", "127.0.0.1:0", "--dns", "127.0.0.1:0", "--zone", ZONE, "--dnssec"], {
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the appliance did not start:\n${output}`)), 20000);
    const look = (chunk) => {
      output += chunk.toString();
      const http = output.match(/HTTP:\s+(http:\/\/127\.0\.0\.1:\d+)\//);
      const dns = output.match(/DNS:\s+127\.0\.0\.1:(\d+)/);
      const setup = output.match(/(http:\/\/127\.0\.0\.1:\d+\/setup\?code=\S+)/);
      if (http && dns && setup) {
        clearTimeout(timer);
        resolve({ child, data, base: http[1], dnsPort: Number(dns[1]), setup: setup[1].replace(/\x1b\[[0-9;]*m/g, "") });
      }
    };
    child.stdout.on("data", look);
    child.stderr.on("data", look);
    child.on("exit", (code) => reject(new Error(`the appliance exited (${code}):\n${output}`)));
  });
}

/** The A records DNS serves for `name` (one UDP query to the appliance). */
function queryA(port, name) {
  const labels = name.split(".").flatMap((l) => [l.length, ...Buffer.from(l)]);
  const query = Buffer.from([0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...labels, 0, 0, 1, 0, 1]);
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket("udp4");
    const timer = setTimeout(() => { socket.close(); reject(new Error("no DNS answer")); }, 3000);
    socket.on("message", (msg) => {
      clearTimeout(timer);
      socket.close();
      const answers = msg.readUInt16BE(6);
      let offset = query.length;
      const found = [];
      for (let i = 0; i < answers; i++) {
        offset += (msg[offset] & 0xc0) === 0xc0 ? 2 : name.length + 2;
        const type = msg.readUInt16BE(offset);
        const length = msg.readUInt16BE(offset + 8);
        if (type === 1) found.push([...msg.subarray(offset + 10, offset + 14)].join("."));
        offset += 10 + length;
      }
      resolve(found);
    });
    socket.send(query, port, "127.0.0.1");
  });
}

/** The TOTP code (RFC 6238: SHA-1, six digits, 30 s) of a base32 secret, `steps` from now. */
function totp(secret, steps) {
  const bits = [...secret].map((c) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".indexOf(c).toString(2).padStart(5, "0")).join("");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000) + steps));
  const mac = crypto.createHmac("sha1", key).update(counter).digest();
  return String((mac.readUInt32BE(mac[19] & 15) & 0x7fffffff) % 1000000).padStart(6, "0");
}

async function update(base, token, ip) {
  const auth = Buffer.from(`${HOST}:${token}`).toString("base64");
  const response = await fetch(`${base}/nic/update?hostname=${HOST}&myip=${ip}`, { headers: { Authorization: `Basic ${auth}` } });
  return { status: response.status, body: await response.text() };
}

/** A webhook receiver on loopback: resolves `received` with the first body it is sent. */
function startWebhook() {
  let got;
  const received = new Promise((resolve) => { got = resolve; });
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => { body += c; });
    req.on("end", () => { res.writeHead(200).end("ok"); got(body); });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, received, url: `http://127.0.0.1:${server.address().port}/hook` })));
}

/** axe-core's violations on the page as it is now (injected through the DevTools protocol, so
 * the page's CSP, which forbids inline scripts, stays on). */
async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return { passes: r.passes.length, violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) })) };
  });
}

const appliance = await startAppliance();
const webhook = await startWebhook();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync"],
});
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: appliance.base });
  const page = await context.newPage();
  // Destructive actions ask first; the test says yes (and counts the questions).
  const asked = [];
  page.on("dialog", (dialog) => { asked.push(dialog.message()); dialog.accept(); });
  // Nothing the UI asks for is missing (the favicon is named by index.html, so no /favicon.ico).
  const missing = [];
  page.on("response", (r) => { if (r.status() === 404) missing.push(new URL(r.url()).pathname); });
  const shot = (name) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  // Every screen's axe results and widths, for the table printed at the end.
  const report = [];
  const audit = async (screen) => {
    const width = page.viewportSize().width;
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    const { passes, violations } = await axe(page);
    assert.ok(passes > 10, `axe-core checked ${screen} (${passes} rules passed)`);
    const count = (impact) => violations.filter((v) => v.impact === impact).length;
    report.push({ screen, width, scrollWidth, critical: count("critical"), serious: count("serious"), moderate: count("moderate"), minor: count("minor"), violations });
    await shot(`${screen}-${width}`);
  };
  const nav = (label) => page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: label, exact: true }).click();

  // The static shell is there before the wasm; the app replaces it.
  const shell = await (await fetch(`${appliance.base}/`)).text();
  assert.match(shell, /Loading the admin interface/);
  const started = Date.now();
  await page.goto(appliance.setup);
  await page.waitForSelector("input[name=email]");
  const firstRender = Date.now() - started;

  // Setup: the code comes from the link.
  assert.notEqual(await page.inputValue("input[name=code]"), "");
  await shot("setup");
  await audit("setup");
  await page.fill("input[name=email]", EMAIL);
  await page.fill("input[name=password]", "short");
  await page.click("button[type=submit]");
  await page.getByRole("alert").filter({ hasText: "8 characters" }).waitFor();
  await page.fill("input[name=password]", PASSWORD);
  await page.click("button[type=submit]");

  // The first-run guide. 1: the public address: opened at 127.0.0.1 with none set, the
  // snippets would not work on a router, and the page says so; a bad URL is refused in the
  // API's words; this test's routers are on this machine, so the loopback address is set.
  await page.getByRole("heading", { name: "Welcome to porchlight" }).waitFor();
  assert.equal(new URL(page.url()).pathname, "/welcome");
  await page.locator('[data-address-warning="true"]').filter({ hasText: "no router can reach" }).waitFor();
  await audit("welcome-address");
  await page.fill("input[name=publicUrl]", "ftp://192.0.2.1");
  await page.getByRole("button", { name: "Save address" }).click();
  await page.getByRole("alert").filter({ hasText: "http:// or https://" }).waitFor();
  await page.fill("input[name=publicUrl]", appliance.base);
  await page.getByRole("button", { name: "Save address" }).click();
  // 2: the zone's delegation guide (nobody delegates dyn.example.test: it says so).
  await page.getByRole("heading", { name: "Your zone and its delegation" }).waitFor();
  await page.locator(".delegation [data-delegated]").waitFor({ timeout: 20000 });
  assert.ok((await page.locator(".records-to-enter td").count()) > 0, "the records to enter at the registrar");
  await audit("welcome-delegation");
  await page.getByRole("button", { name: "Skip this step" }).click();
  // 3: the first host, 4: its router's snippet with the real address, name and token.
  await page.fill("input[name=hostname]", "first");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await page.getByRole("heading", { name: "Tell your router" }).waitFor();
  const firstToken = await page.locator(".secret[data-token]").getAttribute("data-token");
  const firstDdclient = page.locator('details[data-client="ddclient"]');
  await firstDdclient.locator("summary").click();
  const firstConfig = await firstDdclient.locator("pre").textContent();
  assert.ok(firstConfig.includes(`login=first.${ZONE}`) && firstConfig.includes(firstToken) && firstConfig.includes(`server=${new URL(appliance.base).host}`), firstConfig);
  assert.equal(await page.locator('[data-address-warning="true"]').filter({ hasText: "no router can reach" }).count(), 0, "the public address is set now");
  await audit("welcome-router");
  await page.getByRole("button", { name: "Done: show my hosts" }).click();
  await page.getByRole("heading", { name: "Hosts" }).waitFor();

  // Log out and in again.
  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await shot("login");
  await audit("login");
  await page.fill("input[name=email]", EMAIL);
  await page.fill("input[name=password]", "wrong password");
  await page.click("button[type=submit]");
  await page.getByRole("alert").filter({ hasText: "Invalid email or password" }).waitFor();
  await page.fill("input[name=password]", PASSWORD);
  await page.click("button[type=submit]");
  await page.getByRole("heading", { name: "Hosts" }).waitFor();

  // Create a host: its token is shown once.
  await page.fill("input[name=hostname]", "home");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  const token = await page.locator(".secret[data-token]").getAttribute("data-token");
  assert.match(token, /^pth_/);
  await shot("dashboard-created");

  // Copy a router configuration with the real URL, hostname and token.
  await page.getByRole("button", { name: "Set up a client" }).click();
  await page.getByRole("heading", { name: HOST }).waitFor();
  const ddclient = page.locator('details[data-client="ddclient"]');
  await ddclient.locator("summary").click();
  const config = await ddclient.locator("pre").textContent();
  assert.ok(config.includes(`login=${HOST}`) && config.includes(token) && config.includes(new URL(appliance.base).host), config);
  await ddclient.getByRole("button", { name: "Copy" }).click();
  await ddclient.getByText("Copied").waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), config);
  // Split horizon: a bad LAN address is refused where it was typed, a good one saved.
  const lan = page.locator("section", { hasText: "Inside the network" });
  await lan.locator("input[name=lanIpv4]").fill("192.168.1.300");
  await lan.getByRole("button", { name: "Save" }).click();
  await lan.getByRole("alert").filter({ hasText: "LAN IPv4" }).waitFor();
  await lan.locator("input[name=lanIpv4]").fill("192.168.1.10");
  await lan.getByRole("button", { name: "Save" }).click();
  await lan.getByText("Saved").waitFor();
  await shot("host-detail");

  // A real update over HTTP shows on the dashboard without a reload.
  await nav("Hosts");
  const row = page.locator(`tr[data-host="${HOST}"]`);
  await row.waitFor();
  assert.deepEqual(await update(appliance.base, token, "203.0.113.50"), { status: 200, body: "good 203.0.113.50" });
  await row.locator("code.ipv4", { hasText: "203.0.113.50" }).waitFor({ timeout: 15000 });
  await row.getByText("fresh").waitFor();
  await row.locator(".source", { hasText: "(dyndns2)" }).waitFor();
  await shot("dashboard");

  // A record with a validation error, fixed, then served by DNS.
  await nav("Records");
  await page.getByRole("heading", { name: "New record" }).waitFor();
  await page.fill("input[name=name]", "www.home");
  await page.fill("input[name=content]", "not-an-ip");
  await page.getByRole("button", { name: "Add record" }).click();
  await page.locator(".field-error", { hasText: "A record content must be a valid IPv4 address" }).waitFor();
  await shot("records-error");
  await page.fill("input[name=content]", "192.0.2.77");
  await page.getByRole("button", { name: "Add record" }).click();
  await page.getByRole("cell", { name: `www.${HOST}` }).waitFor();
  assert.equal(await page.locator(".field-error").textContent(), "");
  assert.deepEqual(await queryA(appliance.dnsPort, `www.${HOST}`), ["192.0.2.77"]);
  await shot("records");
  // A TTL that is not a number is an error where it was typed, not a silent default.
  await page.fill("input[name=name]", "ttl-test");
  await page.fill("input[name=content]", "192.0.2.78");
  await page.fill("input[name=ttl]", "abc");
  await page.getByRole("button", { name: "Add record" }).click();
  await page.locator(".field-error", { hasText: "TTL must be a whole number" }).waitFor();
  assert.equal(await page.locator(`tr[data-record="ttl-test.${ZONE}"]`).count(), 0);
  await page.fill("input[name=ttl]", "");
  // Edited in place: the new address is served.
  const wwwRow = page.locator(`tr[data-record="www.${HOST}"]`);
  await wwwRow.getByRole("button", { name: "Edit" }).click();
  await wwwRow.locator("input[name=editContent]").fill("192.0.2.88");
  await wwwRow.locator("input[name=editTtl]").fill("300");
  await wwwRow.getByRole("button", { name: "Save" }).click();
  await page.locator(`tr[data-record="www.${HOST}"] code`, { hasText: "192.0.2.88" }).waitFor();
  assert.deepEqual(await queryA(appliance.dnsPort, `www.${HOST}`), ["192.0.2.88"]);

  // Regenerate the host's token: the old one is refused, the new one works.
  await nav("Tokens");
  const tokenRow = page.locator(`tr[data-token-label="${HOST}"]`);
  await tokenRow.getByRole("button", { name: "Regenerate" }).click();
  const fresh = await page.locator(".secret[data-token]").getAttribute("data-token");
  assert.notEqual(fresh, token);
  assert.equal((await update(appliance.base, token, "203.0.113.51")).status, 401);
  assert.deepEqual(await update(appliance.base, fresh, "203.0.113.52"), { status: 200, body: "good 203.0.113.52" });
  assert.ok(asked.some((q) => q.includes("stops working")), "regenerating asks first");
  await shot("tokens");
  // The appliance out of reach: a sentence to act on, never the browser's "Failed to fetch".
  await context.setOffline(true);
  await page.getByRole("button", { name: "Create key" }).click();
  const unreachable = page.locator("section", { hasText: "New API key" }).getByRole("alert");
  await unreachable.filter({ hasText: "cannot be reached" }).waitFor();
  assert.ok(!(await unreachable.textContent()).includes("Failed to fetch"));
  await context.setOffline(false);
  // The secret shown before is gone with the next action.
  assert.equal(await page.locator(".secret[data-token]").count(), 0);

  // Alerts: the failure streak set (a non-number refused where typed); a webhook that gets
  // its test message; e-mail refused without SMTP, in the API's words.
  await nav("Alerts");
  const rules = page.locator("section", { hasText: "When to tell you" });
  await page.waitForFunction(() => document.querySelector("input[name=failuresInARow]")?.value === "5", null, { timeout: 10000 });
  await rules.locator("input[name=failuresInARow]").fill("abc");
  await rules.getByRole("button", { name: "Save" }).click();
  await rules.getByRole("alert").filter({ hasText: "whole number" }).waitFor();
  await rules.locator("input[name=failuresInARow]").fill("2");
  await rules.getByRole("button", { name: "Save" }).click();
  await rules.getByText("Saved").waitFor();
  await page.fill("input[name=url]", webhook.url);
  await page.getByRole("button", { name: "Add channel" }).click();
  const channel = page.locator('tr[data-channel="webhook"]');
  await channel.getByRole("button", { name: "Send a test" }).click();
  await channel.getByText("Delivered.").waitFor({ timeout: 20000 });
  assert.match(await webhook.received, /test/i);
  await page.selectOption("select[name=kind]", "email");
  await page.fill("input[name=to]", "me@example.com");
  await page.getByRole("button", { name: "Add channel" }).click();
  await page.locator("section", { hasText: "New channel" }).getByRole("alert").filter({ hasText: /\S/ }).waitFor();
  await shot("alerts");

  // Failed updates: two refused in a row make the host failing, with why, from where and
  // how often, on the dashboard and on the host page with each result code counted.
  for (let i = 0; i < 2; i++) assert.equal((await update(appliance.base, "pth_wrong", "203.0.113.53")).status, 401);
  await nav("Hosts");
  const failing = page.locator(`tr[data-host="${HOST}"]`);
  await failing.getByText("failing", { exact: true }).waitFor({ timeout: 15000 });
  await failing.locator(".failure", { hasText: "badauth from 127.0.0.1" }).waitFor();
  await failing.locator("a.host-link").click();
  await page.getByRole("heading", { name: HOST }).waitFor();
  assert.match(new URL(page.url()).pathname, /^\/hosts\/[^/]+$/);
  await page.locator(".failure", { hasText: "2 times" }).waitFor();
  // Three refused in all: the regenerated token's predecessor, then these two.
  await page.locator('li[data-code="badauth"]', { hasText: "3" }).waitFor();
  await page.locator('li[data-code="good"]').waitFor();
  const updates = page.locator("section", { hasText: "Results of all attempts" });
  await updates.locator("input[name=staleAfterHours]").fill("two days");
  await updates.getByRole("button", { name: "Save" }).click();
  await updates.getByRole("alert").filter({ hasText: "whole number" }).waitFor();
  await updates.locator("input[name=staleAfterHours]").fill("48");
  await updates.getByRole("button", { name: "Save" }).click();
  await updates.getByText("Saved").waitFor();
  await updates.getByText("48 h without a success").waitFor();
  // A new token from the host page reaches its snippets, and works.
  await page.getByRole("button", { name: "Regenerate token" }).click();
  const third = await page.locator(".secret[data-token]").getAttribute("data-token");
  assert.ok(third !== fresh && /^pth_/.test(third));
  const curl = page.locator('details[data-client="curl / cron"]');
  await curl.locator("summary").click();
  assert.ok((await curl.locator("pre").textContent()).includes(third));
  assert.deepEqual(await update(appliance.base, third, "203.0.113.54"), { status: 200, body: "good 203.0.113.54" });
  await shot("host-failing");

  for (const [label, heading, name] of [["Domains", "Domains", "domains"], ["Log", "Event log", "log"], ["Admin", "Administration", "admin"]]) {
    await nav(label);
    await page.getByRole("heading", { name: heading }).waitFor();
    if (name === "domains") {
      // The signed zone's DS record for the parent, and the registrar's steps.
      await page.locator('.dnssec [data-signed="true"]').waitFor();
      const ds = await page.locator(".dnssec pre.ds").textContent();
      assert.match(ds, new RegExp(`^${ZONE.replaceAll(".", "\\.")}\\. IN DS \\d+ 13 2 [0-9A-F]{64}$`));
      assert.ok((await page.locator(".dnssec .registrar-steps li").count()) >= 3);
      // A custom domain is signed from the start; its owner switches signing off (after a
      // warning about the DS) and on again (a new key, so a new DS) from its card.
      await page.fill("input[name=domain]", "mine.example.org");
      await page.getByRole("button", { name: "Add", exact: true }).click();
      const mine = page.locator('section[data-domain="mine.example.org"]');
      await mine.locator('.dnssec [data-signed="true"]').waitFor();
      const firstDs = await mine.locator(".dnssec pre.ds").textContent();
      const before = asked.length;
      await mine.getByRole("button", { name: "Stop signing" }).click();
      await mine.locator('.dnssec [data-signed="false"]').waitFor();
      assert.match(asked[before] ?? "", /Remove its DS record at your registrar first/);
      assert.equal(await mine.locator(".dnssec pre.ds").count(), 0);
      await mine.getByRole("button", { name: "Sign this domain" }).click();
      await mine.locator('.dnssec [data-signed="true"]').waitFor();
      const secondDs = await mine.locator(".dnssec pre.ds").textContent();
      assert.match(secondDs, /^mine\.example\.org\. IN DS \d+ 13 2 [0-9A-F]{64}$/);
      assert.notEqual(secondDs, firstDs, "a new key");
      // A key rollover from the card: both keys listed with their stage, the DS names the new one.
      await mine.getByRole("button", { name: "Start a key rollover" }).click();
      await mine.locator(".dnssec ul.rollover li").nth(1).waitFor();
      assert.equal(await mine.locator(".dnssec ul.rollover li").count(), 2);
      assert.notEqual(await mine.locator(".dnssec pre.ds").textContent(), secondDs, "the DS names the incoming key");
      assert.equal(await mine.getByRole("button", { name: "Start a key rollover" }).count(), 0, "one rollover at a time");
    }
    await shot(name);
  }
  await page.getByText("HTTPS is off").waitFor();
  await page.getByRole("cell", { name: EMAIL }).waitFor();

  // Administration: add an account (a second time is refused in the API's words), invite.
  for (const outcome of ["added", "refused"]) {
    await page.fill("input[name=newEmail]", "added@example.com");
    await page.fill("input[name=newPassword]", PASSWORD);
    await page.getByRole("button", { name: "Add account" }).click();
    if (outcome === "added") await page.getByRole("cell", { name: "added@example.com" }).waitFor();
    else await page.getByRole("alert").filter({ hasText: "already exists" }).waitFor();
  }
  await page.getByRole("button", { name: "Make invitation" }).click();
  assert.match(await page.locator(".secret[data-invite]").getAttribute("data-invite"), /^inv_/);
  await shot("admin-accounts");

  // Two-factor sign-in: enrol on the account page; the next sign-in asks for a code.
  await nav("Account");
  await page.getByRole("heading", { name: "Two-factor sign-in" }).waitFor();
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  const secret = await page.locator(".secret[data-totp-secret]").getAttribute("data-totp-secret");
  await page.fill("input[name=code]", totp(secret, 0));
  await page.getByRole("button", { name: "Turn on" }).click();
  const recovery = (await page.locator("pre.recovery-codes").textContent()).trim().split("\n");
  assert.equal(recovery.length, 10);
  await shot("account-two-factor");
  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await page.fill("input[name=email]", EMAIL);
  await page.fill("input[name=password]", PASSWORD);
  await page.click("button[type=submit]");
  await page.getByRole("alert").filter({ hasText: "authenticator" }).waitFor();
  await shot("login-code");
  await page.fill("input[name=code]", totp(secret, 1));
  await page.click("button[type=submit]");
  await page.getByRole("heading", { name: "Hosts" }).waitFor();

  // Every screen, by its own address, at desktop and phone width: no sideways scrolling at
  // 390 px, and axe-core finds nothing serious or critical.
  const hostId = await page.evaluate(async () => {
    const r = await fetch("/api/hostnames", { headers: { Authorization: `Bearer ${localStorage.getItem("porchlight.session")}` } });
    return (await r.json()).hostnames[0].id;
  });
  const screens = [
    ["hosts", "/", "Hosts"], ["host", `/hosts/${hostId}`, "dyn.example.test"], ["tokens", "/tokens", "Tokens"],
    ["domains", "/domains", "Domains"], ["records", "/records", "Records"], ["log", "/log", "Event log"],
    ["alerts", "/alerts", "Alerts"], ["account", "/account", "Account"], ["admin", "/admin", "Administration"],
    ["welcome", "/welcome", "Welcome to porchlight"],
  ];
  const open = (to) => page.evaluate((p) => { history.pushState(null, "", p); dispatchEvent(new PopStateEvent("popstate")); }, to);
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 800 });
    for (const [screen, to, heading] of screens) {
      await open(to);
      await page.getByRole("heading", { name: heading }).first().waitFor();
      await page.waitForTimeout(300);
      await audit(screen);
    }
  }

  // Dark mode (the system's choice) meets the same contrast.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: "dark" });
  for (const [screen, to, heading] of screens) {
    await open(to);
    await page.getByRole("heading", { name: heading }).first().waitFor();
    await page.waitForTimeout(300);
    await audit(`${screen}-dark`);
  }
  await page.emulateMedia({ colorScheme: "light" });

  // Phone width: the host list still reads.
  await page.setViewportSize({ width: 390, height: 800 });
  await nav("Hosts");
  await page.locator(`tr[data-host="${HOST}"]`).waitFor();
  await shot("dashboard-phone");

  // Back and forward move between screens inside the app; reload keeps the screen.
  await page.setViewportSize({ width: 1280, height: 800 });
  await nav("Tokens");
  await page.getByRole("heading", { name: "Tokens" }).waitFor();
  await nav("Log");
  await page.getByRole("heading", { name: "Event log" }).waitFor();
  assert.equal(new URL(page.url()).pathname, "/log");
  await page.goBack();
  await page.getByRole("heading", { name: "Tokens" }).waitFor();
  assert.equal(new URL(page.url()).pathname, "/tokens");
  await page.goForward();
  await page.getByRole("heading", { name: "Event log" }).waitFor();
  const reloadable = [];
  for (const [screen, to, heading] of screens) {
    if ((await fetch(`${appliance.base}${to}`)).status !== 200) continue;
    await page.goto(`${appliance.base}${to}`);
    await page.getByRole("heading", { name: heading }).first().waitFor();
    reloadable.push(screen);
  }
  assert.ok(reloadable.includes("hosts"));
  const unserved = screens.filter(([s]) => !reloadable.includes(s)).map(([, to]) => to);
  if (unserved.length) console.log(`ui: reload not served by the appliance yet (no route to index.html): ${unserved.join(" ")}`);
  const icon = await (await fetch(`${appliance.base}/`)).text().then((html) => html.match(/rel="icon" href="([^"]+)"/)?.[1]);
  assert.equal((await fetch(`${appliance.base}${icon}`)).status, 200, "the favicon");

  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("heading", { name: "Sign in" }).waitFor();

  // A partner's login link signs its user into the UI, once.
  const json = (r) => r.json();
  const admin = await fetch(`${appliance.base}/api/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email: EMAIL, password: PASSWORD, code: recovery[0] }) }).then(json);
  const key = await fetch(`${appliance.base}/api/tokens`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${admin.token}` }, body: JSON.stringify({ label: "partner", scopes: ["partner"] }) }).then(json);
  const made = await fetch(`${appliance.base}/api/v1/users`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${key.token.tokenValue}` }, body: JSON.stringify({ user_identifier: "user-123", email: "partner-user@example.com" }) }).then(json);
  await page.goto(made.login_url);
  await page.getByRole("heading", { name: "Hosts" }).waitFor();
  assert.equal(new URL(page.url()).pathname, "/", "the used link leaves the address bar");
  await page.getByRole("button", { name: "Log out" }).click();
  await page.goto(made.login_url);
  await page.getByRole("alert").filter({ hasText: "not valid" }).waitFor();
  await page.getByRole("heading", { name: "Sign in" }).waitFor();

  console.log("screen               width  scrollWidth  critical  serious  moderate  minor");
  for (const r of report) {
    console.log(`${r.screen.padEnd(20)} ${String(r.width).padStart(5)}  ${String(r.scrollWidth).padStart(11)}  ${String(r.critical).padStart(8)}  ${String(r.serious).padStart(7)}  ${String(r.moderate).padStart(8)}  ${String(r.minor).padStart(5)}`);
  }
  const bad = report.flatMap((r) => r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${r.screen}@${r.width}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.join(" | ")}`));
  const moderate = [...new Set(report.flatMap((r) => r.violations.filter((v) => v.impact !== "serious" && v.impact !== "critical").map((v) => `${v.id} (${v.impact})`)))];
  if (moderate.length) console.log(`ui: axe, moderate or minor: ${moderate.join(", ")}`);
  assert.deepEqual(bad, [], "axe-core: serious or critical violations");
  const wide = report.filter((r) => r.width === 390 && r.scrollWidth > 390).map((r) => `${r.screen}: ${r.scrollWidth}`);
  assert.deepEqual(wide, [], "no sideways scrolling at 390 px");
  assert.deepEqual(missing.filter((p) => !p.startsWith("/api/")), [], "nothing the UI loads is missing");

  const bundle = fs.readdirSync(path.join(root, "web-ui/dist/assets"))
    .filter((f) => /^porchlight-.*\.(wasm|js)\.gz$/.test(f))
    .reduce((sum, f) => sum + fs.statSync(path.join(root, "web-ui/dist/assets", f)).size, 0);
  console.log(`ui: first render ${firstRender} ms; wasm + JS ${bundle} bytes compressed; screenshots in ${path.relative(root, shots)}/: ${fs.readdirSync(shots).sort().join(", ")}`);
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  await browser.close();
  webhook.server.close();
  appliance.child.kill();
  fs.rmSync(appliance.data, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
