// Aedes 1.x over WebSocket (the `ws` package, each connection a stream) or TLS (node:tls), the Node.js
// peer in the ws-pairs and tls-pairs benchmarks.
// Usage: node bench/brokers/aedes-transport.mjs --port P --transport ws|tls [--cert C --key K]
import { readFileSync } from "node:fs";
import http from "node:http";
import tls from "node:tls";
import { Aedes } from "aedes";
import { createWebSocketStream, WebSocketServer } from "ws";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

const aedes = await Aedes.createBroker();
const port = Number(arg("port", "8083"));
if (arg("transport", "ws") === "tls") {
  const server = tls.createServer({ cert: readFileSync(arg("cert")), key: readFileSync(arg("key")), noDelay: true }, aedes.handle);
  server.listen(port, "127.0.0.1");
} else {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false, handleProtocols: (offered) => (offered.has("mqtt") ? "mqtt" : false) });
  wss.on("connection", (ws, request) => {
    request.socket.setNoDelay(true);
    aedes.handle(createWebSocketStream(ws), request);
  });
  server.listen(port, "127.0.0.1");
}
process.on("SIGTERM", () => process.exit(0));
