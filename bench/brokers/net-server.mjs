// A bare node:net server that answers any first chunk with a CONNACK: the reference connect rate
// for the `conns` scenario (what Node itself costs per connection, with no MQTT at all).
import net from "node:net";

const i = process.argv.indexOf("--port");
const CONNACK = Buffer.from([0x20, 2, 0, 0]);
const server = net.createServer({ noDelay: true }, (socket) => {
  socket.once("data", () => socket.write(CONNACK));
  socket.on("error", () => socket.destroy());
});
server.listen(Number(process.argv[i + 1]), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
