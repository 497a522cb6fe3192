/**
 * Climate Action Reserve (CAR), on APX (`thereserve2.apx.com`): `fetch` downloads the four report
 * exports (r=111 projects, 112 issued, 206 retired, 308 canceled) with the session cookie and CSRF
 * token of each report page; `readExports` reads the same exports from files
 * (registries.md §4.1, §4.3). The parser is shared with ACR and ART: connectors/apx.
 */
import type { Connector } from '../contract.ts';
import { CAR, apxConnector } from '../apx/index.ts';

export const car: Connector = apxConnector(CAR, {
  displayName: 'Climate Action Reserve (CAR)',
  kind: 'voluntary',
  homepage: 'https://www.climateactionreserve.org',
  baseUrlEnv: 'CAR_BASE_URL',
  defaultBaseUrl: 'https://thereserve2.apx.com',
  defaultSchedule: '30 4 * * *',
  normalizerVersion: 1,
  platform: 'apx',
});
