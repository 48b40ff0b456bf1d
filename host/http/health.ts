// GET /health and GET /ready: liveness (200 while the broker accepts connections, 503 once it is shutting
// down) and readiness (200 once its listeners are up, until shutdown), for load balancers and orchestrators.
import type { HttpBroker } from "./broker-view.ts";
import { allow } from "./request.ts";
import type { Route } from "./server.ts";

export function healthRoutes(broker: HttpBroker): Record<string, Route> {
  return {
    "/health": (request) => {
      allow(request, "GET", "HEAD");
      return broker.accepting ? { status: 200, json: { status: "ok" } } : { status: 503, json: { status: "shutting_down" } };
    },
    "/ready": (request) => {
      allow(request, "GET", "HEAD");
      if (!broker.accepting) return { status: 503, json: { status: "shutting_down" } };
      return broker.ready ? { status: 200, json: { status: "ready" } } : { status: 503, json: { status: "starting" } };
    },
  };
}
