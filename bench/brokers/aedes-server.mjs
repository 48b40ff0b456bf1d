// Aedes 1.x on node:net, the Node.js peer in the broker benchmarks.
// Usage: node bench/brokers/aedes-server.mjs --port P [--host H]
import net from "node:net";
import { Aedes } from "aedes";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

const aedes = await Aedes.createBroker();
const server = net.createServer({ noDelay: true }, aedes.handle);
server.listen(Number(arg("port", "1883")), arg("host", "127.0.0.1"));
process.on("SIGTERM", () => process.exit(0));
