/**
 * American Carbon Registry (ACR). The APX report exports (`acr2.apx.com`) are the format of the
 * bundled fixtures and of `readExports`; since 2026 ACR publishes on ICE GreenTrace
 * (`greentrace.ice.com/acr`, tenant `ACR_REGISTRY`), which `fetch` reads (registries.md §0.1, §4.2).
 * The parser is shared with CAR and ART: connectors/apx.
 */
import type { Connector } from '../contract.ts';
import { ACR, apxConnector } from '../apx/index.ts';

export const acr: Connector = apxConnector(ACR, {
  displayName: 'American Carbon Registry (ACR)',
  kind: 'voluntary',
  homepage: 'https://acrcarbon.org',
  baseUrlEnv: 'ACR_BASE_URL',
  defaultBaseUrl: 'https://greentrace.ice.com',
  defaultSchedule: '0 4 * * *',
  normalizerVersion: 1,
  platform: 'greentrace',
});
