// The broker's HTTP face: the route table (health, ready, metrics, admin API) on one HttpServer, built only
// when an `http` listener is configured.
import type { HttpOptions } from "../config/options.ts";
import type { HttpBroker } from "./broker-view.ts";
import { adminRoute, apiPrefix } from "./admin-api.ts";
import { healthRoutes } from "./health.ts";
import { BrokerMetrics } from "./metrics.ts";
import { HttpServer } from "./server.ts";

export class HttpFace {
  readonly metrics: BrokerMetrics;
  private readonly server: HttpServer;

  constructor(broker: HttpBroker, options: HttpOptions) {
    this.metrics = new BrokerMetrics(broker);
    this.server = new HttpServer(options, {
      exact: { ...healthRoutes(broker), "/metrics": this.metrics.route() },
      prefix: [[apiPrefix, adminRoute(broker, options.adminToken ?? process.env.QUARKMQ_ADMIN_TOKEN)]],
    }, broker.log);
  }

  listen(): Promise<{ host: string; port: number }> {
    return this.server.listen();
  }

  close(): void {
    this.server.close();
  }
}
