// Starts quarkmq from its library API, for when host/cli.ts is not there yet.
// Usage: node --import tsx bench/brokers/quarkmq-server.ts --port P
import { createBroker } from "../../host/index.ts";

const i = process.argv.indexOf("--port");
const broker = await createBroker({ tcp: { port: Number(process.argv[i + 1]), host: "127.0.0.1" }, logLevel: "warn" });
await broker.listen();
process.on("SIGTERM", () => process.exit(0));
