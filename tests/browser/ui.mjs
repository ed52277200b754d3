// The admin UI in headless Chromium against the real binary: setup → login → create host →
// copy a router config → a real update over HTTP → the dashboard shows it without reload →
// a record with a validation error, fixed, served by DNS → regenerate a token, the old one
// refused → add an account, invite → two-factor sign-in on, the next login asks for a code →
// logout. Screenshots of each main screen go to target/ui-screenshots/.
//
// Variables: PORCHLIGHT_BIN (default target/debug/porchlight), CHROMIUM (default /usr/bin/chromium).
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import dgram from "node:dgram";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const binary = process.env.PORCHLIGHT_BIN || path.join(root, "target/debug/porchlight");
const shots = path.join(root, "target/ui-screenshots");
fs.rmSync(shots, { recursive: true, force: true });
fs.mkdirSync(shots, { recursive: true });

const ZONE = "dyn.example.test";
const HOST = `home.${ZONE}`;
const EMAIL = "admin@example.com";
const PASSWORD = "correct horse battery staple";

/** Starts the appliance on free loopback ports; resolves with its addresses and setup link. */
function startAppliance() {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "porchlight-ui-"));
  // The appliance refuses unknown PORCHLIGHT_* variables, so this script's own stay out.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PORCHLIGHT_")));
  const child = spawn(binary, ["serve", "--data-dir", data, "--http", "127.0.0.1:0", "--dns", "127.0.0.1:0", "--zone", ZONE], {
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

const appliance = await startAppliance();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync"],
});
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: appliance.base });
  const page = await context.newPage();
  const shot = (name) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
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
  await page.fill("input[name=email]", EMAIL);
  await page.fill("input[name=password]", "short");
  await page.click("button[type=submit]");
  await page.getByRole("alert").filter({ hasText: "8 characters" }).waitFor();
  await page.fill("input[name=password]", PASSWORD);
  await page.click("button[type=submit]");
  await page.getByRole("heading", { name: "Hosts" }).waitFor();

  // Log out and in again.
  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await shot("login");
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

  // Regenerate the host's token: the old one is refused, the new one works.
  await nav("Tokens");
  const tokenRow = page.locator(`tr[data-token-label="${HOST}"]`);
  await tokenRow.getByRole("button", { name: "Regenerate" }).click();
  const fresh = await page.locator(".secret[data-token]").getAttribute("data-token");
  assert.notEqual(fresh, token);
  assert.equal((await update(appliance.base, token, "203.0.113.51")).status, 401);
  assert.deepEqual(await update(appliance.base, fresh, "203.0.113.52"), { status: 200, body: "good 203.0.113.52" });
  await shot("tokens");

  for (const [label, heading, name] of [["Domains", "Domains", "domains"], ["Log", "Event log", "log"], ["Admin", "Administration", "admin"]]) {
    await nav(label);
    await page.getByRole("heading", { name: heading }).waitFor();
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

  // Phone width: the host list still reads.
  await page.setViewportSize({ width: 390, height: 800 });
  await nav("Hosts");
  await page.locator(`tr[data-host="${HOST}"]`).waitFor();
  await shot("dashboard-phone");

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

  const bundle = fs.readdirSync(path.join(root, "web-ui/dist/assets"))
    .filter((f) => /^porchlight-.*\.(wasm|js)\.gz$/.test(f))
    .reduce((sum, f) => sum + fs.statSync(path.join(root, "web-ui/dist/assets", f)).size, 0);
  console.log(`ui: first render ${firstRender} ms; wasm + JS ${bundle} bytes compressed; screenshots in ${path.relative(root, shots)}/: ${fs.readdirSync(shots).sort().join(", ")}`);
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  await browser.close();
  appliance.child.kill();
  fs.rmSync(appliance.data, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
