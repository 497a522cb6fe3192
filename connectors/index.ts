/** Every connector the hub knows, in the order syncs run. */
import { acr } from './acr/index.ts';
import { arb } from './arb/index.ts';
import { artTrees } from './art-trees/index.ts';
import { car } from './car/index.ts';
import { cercarbono } from './cercarbono/index.ts';
import type { Connector } from './contract.ts';
import { goldStandard } from './gold-standard/index.ts';
import { isometric } from './isometric/index.ts';
import { verra } from './verra/index.ts';

export const connectors: readonly Connector[] = [verra, goldStandard, acr, car, artTrees, isometric, cercarbono, arb];

export function findConnector(id: string): Connector | undefined {
  return connectors.find((connector) => connector.id === id);
}
