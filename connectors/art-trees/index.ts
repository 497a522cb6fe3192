/**
 * ART TREES (Architecture for REDD+ Transactions). The APX report exports (`art.apx.com`) are
 * the format of the bundled fixtures and of `readExports`; since 2026 the ART registry is the
 * ICE GreenTrace tenant `ART_REGISTRY`, which `fetch` reads (registries.md §0.1, §4.4).
 * The parser is shared with ACR and CAR: connectors/apx.
 */
import type { Connector } from '../contract.ts';
import { ART, apxConnector } from '../apx/index.ts';

export const artTrees: Connector = apxConnector(ART, {
  displayName: 'ART TREES',
  kind: 'voluntary',
  homepage: 'https://www.artredd.org',
  baseUrlEnv: 'ART_TREES_BASE_URL',
  defaultBaseUrl: 'https://greentrace.ice.com',
  defaultSchedule: '0 5 * * *',
  normalizerVersion: 1,
  platform: 'greentrace',
});
