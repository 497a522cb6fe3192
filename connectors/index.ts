/** Every connector the hub knows, in the order syncs run. */
import type { Connector } from './contract.ts';
import { arb } from './arb/index.ts';
import { goldStandard } from './gold-standard/index.ts';
import { verra } from './verra/index.ts';

export const connectors: readonly Connector[] = [verra, goldStandard, arb];

export function findConnector(id: string): Connector | undefined {
  return connectors.find((connector) => connector.id === id);
}
