// The admin API over real sockets: bearer-token refusals, clients and subscriptions as mqtt.js clients
// see them, a disconnect the client observes, a publish a real subscriber receives, and a JSON error with
// the right status for every malformed request, the broker serving on afterwards.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { BrokerOptions } from "../../host/index.ts";
import { Harness, nextMessage, once } from "../helpers/broker.ts";
import { request, type HttpAsk } from "../helpers/http-request.ts";

const token = "test-admin-token-0123456789";
const auth = { authorization: `Bearer ${token}` };
const h = new Harness();
afterEach(() => h.close());

async function start(options: Partial<BrokerOptions> = {}): Promise<void> {
  await h.start({ http: { host: "127.0.0.1", port: 0, adminToken: token, maxBodySize: 4096 }, sysInterval: 0, ...options });
}

const api = (path: string, ask: HttpAsk = {}) => request(h.httpPort, `/api/v1/${path}`, { ...ask, headers: { ...auth, ...ask.headers } });
const publish = (body: unknown) => api("publish", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("admin API authorization", () => {
  it("refuses with 401 and a JSON error without a token, with a wrong one, or a malformed header", async () => {
    await start();
    for (const authorization of [undefined, `Bearer ${token}x`, "Bearer ", `Basic ${token}`, token]) {
      const answer = await request(h.httpPort, "/api/v1/clients", { headers: authorization === undefined ? {} : { authorization } });
      expect([answer.status, answer.json.error, answer.headers["www-authenticate"]], String(authorization)).toEqual([401, "unauthorized", "Bearer"]);
    }
    expect((await api("clients")).status).toBe(200);
  });

  it("refuses everything when no token is configured", async () => {
    await h.start({ http: { host: "127.0.0.1", port: 0 }, sysInterval: 0 });
    const answer = await request(h.httpPort, "/api/v1/clients", { headers: { authorization: "Bearer anything-at-all-here" } });
    expect([answer.status, answer.json.message]).toEqual([401, expect.stringMatching(/admin API is off/)]);
  });
});

describe("clients and subscriptions", () => {
  it("lists connected clients with address, transport, version, keep-alive, subscriptions, inflight and queued", async () => {
    await start();
    const v5 = await h.connect({ protocolVersion: 5, clientId: "dev/one", keepalive: 30 });
    await v5.subscribeAsync("sensors/+", { qos: 1, nl: true });
    await h.connect({ protocolVersion: 4, clientId: "two", keepalive: 0 });
    const list = await api("clients");
    expect(list.status).toBe(200);
    const byId = Object.fromEntries(list.json.clients.map((c: { clientId: string }) => [c.clientId, c]));
    expect(byId["dev/one"]).toEqual({
      clientId: "dev/one", address: "127.0.0.1", transport: "tcp", protocolLevel: 5, protocolVersion: "5.0", keepAlive: 30,
      subscriptions: [{ topicFilter: "sensors/+", qos: 1, noLocal: true, retainAsPublished: false, retainHandling: 0 }], inflight: 0, queued: 0,
    });
    expect(byId.two).toMatchObject({ protocolVersion: "3.1.1", keepAlive: 0, subscriptions: [] });
    const one = await api(`clients/${encodeURIComponent("dev/one")}`);
    expect([one.status, one.json.clientId]).toEqual([200, "dev/one"]);
  });

  it("an unknown client is 404, a malformed percent-encoding 400", async () => {
    await start();
    const missing = await api("clients/nobody");
    expect([missing.status, missing.json.error]).toEqual([404, "client_not_found"]);
    expect((await api("clients/nobody/disconnect", { method: "POST" })).status).toBe(404);
    expect((await api("clients/%E0%A4%A")).status).toBe(400);
  });

  it("lists subscriptions of connected and offline sessions", async () => {
    await start();
    const gone = await h.connect({ protocolVersion: 5, clientId: "gone", clean: false, properties: { sessionExpiryInterval: 60 } });
    await gone.subscribeAsync("a/#", { qos: 2 });
    await gone.endAsync();
    const here = await h.connect({ protocolVersion: 4, clientId: "here" });
    await here.subscribeAsync("b", { qos: 0 });
    const answer = await api("subscriptions");
    expect(answer.json.subscriptions).toEqual(expect.arrayContaining([
      expect.objectContaining({ clientId: "gone", online: false, topicFilter: "a/#", qos: 2 }),
      expect.objectContaining({ clientId: "here", online: true, topicFilter: "b", qos: 0 }),
    ]));
  });

  it("v5 [MQTT-3.14.2-1] [MQTT-4.13.2-1] disconnect: a v5 client gets DISCONNECT 0x98 Administrative action and the close; a 3.1.1 client the close", async () => {
    await start();
    const v5 = await h.connect({ protocolVersion: 5, clientId: "kick-me" });
    const v4 = await h.connect({ protocolVersion: 4, clientId: "kick-me-too" });
    const packet = once<{ reasonCode: number }>(v5, "disconnect");
    const closed5 = once(v5, "close");
    const answer = await api("clients/kick-me/disconnect", { method: "POST" });
    expect([answer.status, answer.json]).toEqual([200, { disconnected: "kick-me" }]);
    expect((await packet).reasonCode).toBe(0x98);
    await closed5;
    const closed4 = once(v4, "close");
    expect((await api("clients/kick-me-too/disconnect", { method: "POST" })).status).toBe(200);
    await closed4;
    expect((await api("clients")).json.clients).toEqual([]);
  });
});

describe("POST /api/v1/publish", () => {
  it("reaches a real subscriber: text and base64 payloads, QoS, retain and v5 properties", async () => {
    await start();
    const sub = await h.connect({ protocolVersion: 5 });
    await sub.subscribeAsync("api/#", { qos: 2 });
    let got = nextMessage(sub);
    const answer = await publish({ topic: "api/text", payload: "héllo", qos: 1, properties: { contentType: "text/plain", userProperties: { origin: "admin" }, correlationData: "AQID" } });
    expect([answer.status, answer.json]).toEqual([200, { published: true, topic: "api/text", qos: 1, retain: false, payloadBytes: 6 }]);
    const text = await got;
    expect([text.topic, text.payload.toString(), text.packet.qos]).toEqual(["api/text", "héllo", 1]);
    expect(text.packet.properties).toMatchObject({ contentType: "text/plain", userProperties: { origin: "admin" }, correlationData: Buffer.from([1, 2, 3]) });
    got = nextMessage(sub);
    expect((await publish({ topic: "api/bin", payload: Buffer.from([0, 255, 7]).toString("base64"), encoding: "base64", qos: 2, retain: true })).status).toBe(200);
    expect([...(await got).payload]).toEqual([0, 255, 7]);
    const late = h.client({ protocolVersion: 4 });
    const retained = nextMessage(late);
    await once(late, "connect");
    late.subscribe("api/bin");
    expect([[...(await retained).payload], (await retained).packet.retain]).toEqual([[0, 255, 7], true]);
  });

  const malformed: Array<[string, HttpAsk, number, string]> = [
    ["invalid JSON", { body: "{\"topic\": " }, 400, "invalid_json"],
    ["a JSON array", { body: "[1]" }, 400, "invalid_body"],
    ["no topic", { body: "{}" }, 400, "invalid_body"],
    ["an unknown field", { body: JSON.stringify({ topic: "t", colour: "red" }) }, 400, "invalid_body"],
    ["QoS 3", { body: JSON.stringify({ topic: "t", qos: 3 }) }, 400, "invalid_body"],
    ["a wildcard topic", { body: JSON.stringify({ topic: "a/+" }) }, 400, "invalid_topic"],
    ["bad base64", { body: JSON.stringify({ topic: "t", payload: "@@@", encoding: "base64" }) }, 400, "invalid_body"],
    ["an unknown property", { body: JSON.stringify({ topic: "t", properties: { topicAlias: 1 } }) }, 400, "invalid_body"],
    ["payloadFormatIndicator 1 over bytes that are not UTF-8", { body: JSON.stringify({ topic: "t", payload: "/w==", encoding: "base64", properties: { payloadFormatIndicator: 1 } }) }, 400, "invalid_body"],
    ["text/plain", { headers: { "content-type": "text/plain" }, body: "{}" }, 415, "unsupported_media_type"],
    ["no content type", { headers: { "content-type": "" }, body: "{}" }, 415, "unsupported_media_type"],
    ["a body over the cap", { body: JSON.stringify({ topic: "t", payload: "x".repeat(5000) }) }, 413, "body_too_large"],
    ["GET", { method: "GET", body: undefined }, 405, "method_not_allowed"],
  ];
  for (const [what, ask, status, code] of malformed) {
    it(`${what} is answered ${status} ${code} as JSON`, async () => {
      await start();
      const answer = await api("publish", { method: "POST", ...ask, headers: { "content-type": "application/json", ...ask.headers } });
      expect([answer.status, answer.headers["content-type"], answer.json?.error]).toEqual([status, "application/json", code]);
      expect((await request(h.httpPort, "/health")).status).toBe(200);
    });
  }

  it("a body over the cap without Content-Length (chunked) is 413; an unknown API path 404", async () => {
    await start();
    const socket = net.connect(h.httpPort, "127.0.0.1");
    await once(socket, "connect");
    let reply = "";
    socket.on("data", (d: Buffer) => (reply += d.toString()));
    const closed = once(socket, "close");
    socket.write(`POST /api/v1/publish HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    for (let i = 0; i < 6 && !socket.destroyed; i++) socket.write(`400\r\n${"x".repeat(0x400)}\r\n`);
    await closed;
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply).toContain("body_too_large");
    expect((await api("nothing")).status).toBe(404);
  });

  it("a client that goes away mid-body leaves the server serving", async () => {
    await start();
    const socket = net.connect(h.httpPort, "127.0.0.1");
    await once(socket, "connect");
    socket.write(`POST /api/v1/publish HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"topic":`);
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect((await request(h.httpPort, "/health")).status).toBe(200);
    expect((await publish({ topic: "still/here" })).status).toBe(200);
  });
});
