/**
 * What the shared connector suites need to know about one connector: how to serve its real
 * fixture exports the way the registry does, where to inject faults, and the per-project
 * totals computed straight from the raw files (never through the connector's own code).
 */
import type { Connector, RejectionReason } from '../../../connectors/contract.ts';
import type { Route } from '../registry-server.ts';

export interface ProjectTotals {
  issued: number;
  retired: number;
  cancelled: number;
}

export interface ConnectorFixture {
  connector: Connector;
  /** Folder of the real exports, e.g. test/fixtures/registries/verra. */
  fixtureDir: string;
  /** Serves the fixture exports at the registry's real paths, methods and paging. */
  routes(): Route;
  /** A path prefix every sync requests, where the fault suite injects 5xx, 429, truncation. */
  faultPath: string;
  /** A required column (CSV) or field (JSON) the fault suite renames; the run must name it. */
  requiredField: { from: string; to: string };
  /** Per registry project id, totals computed independently from the raw fixture files. */
  totalsFromRawFiles(): Map<string, ProjectTotals>;
  /**
   * Serves the exports with one real record broken the way a registry might break it (a
   * quantity that disagrees with its serial, a missing id…); the run must reject exactly
   * that record with `reason` and land the rest.
   */
  malformedRecord(): { routes: Route; naturalKey: string; reason: RejectionReason };
  /** Credentials a sync over HTTP needs (the connector's `secrets`), by variable name. */
  secrets?: Record<string, string>;
}
