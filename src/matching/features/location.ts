/**
 * Location features: subdivisions as ISO 3166-2 codes where the hub can tell, and distances
 * between coordinates (double-counting.md §4.2 "Location").
 *
 * Registries write subdivisions differently: ARB `US-OH`, ACR/CAR `OHIO` or `OHIO; TEXAS`,
 * Cercarbono `Antioquia`. Names of US states, Canadian provinces and the Chinese provinces with
 * pilot ETSs map to ISO codes; anything else is kept as folded text, which still compares equal
 * to itself.
 */
import { fold } from './text.ts';

const US_STATES: Record<string, string> = {
  alabama: 'AL', alaska: 'AK', arizona: 'AZ', arkansas: 'AR', california: 'CA', colorado: 'CO', connecticut: 'CT', delaware: 'DE',
  'district of columbia': 'DC', florida: 'FL', georgia: 'GA', hawaii: 'HI', idaho: 'ID', illinois: 'IL', indiana: 'IN', iowa: 'IA',
  kansas: 'KS', kentucky: 'KY', louisiana: 'LA', maine: 'ME', maryland: 'MD', massachusetts: 'MA', michigan: 'MI', minnesota: 'MN',
  mississippi: 'MS', missouri: 'MO', montana: 'MT', nebraska: 'NE', nevada: 'NV', 'new hampshire': 'NH', 'new jersey': 'NJ',
  'new mexico': 'NM', 'new york': 'NY', 'north carolina': 'NC', 'north dakota': 'ND', ohio: 'OH', oklahoma: 'OK', oregon: 'OR',
  pennsylvania: 'PA', 'rhode island': 'RI', 'south carolina': 'SC', 'south dakota': 'SD', tennessee: 'TN', texas: 'TX', utah: 'UT',
  vermont: 'VT', virginia: 'VA', washington: 'WA', 'west virginia': 'WV', wisconsin: 'WI', wyoming: 'WY', 'puerto rico': 'PR',
};

const CA_PROVINCES: Record<string, string> = {
  alberta: 'AB', 'british columbia': 'BC', manitoba: 'MB', 'new brunswick': 'NB', 'newfoundland and labrador': 'NL',
  'nova scotia': 'NS', ontario: 'ON', 'prince edward island': 'PE', quebec: 'QC', saskatchewan: 'SK',
  'northwest territories': 'NT', nunavut: 'NU', yukon: 'YT',
};

/** Provinces and municipalities with pilot ETSs (ISO 3166-2:CN alpha codes since 2017). */
const CN_PROVINCES: Record<string, string> = {
  beijing: 'BJ', shanghai: 'SH', tianjin: 'TJ', chongqing: 'CQ', hubei: 'HB', guangdong: 'GD', fujian: 'FJ', shenzhen: 'GD',
};

const BY_COUNTRY: Record<string, Record<string, string>> = { US: US_STATES, CA: CA_PROVINCES, CN: CN_PROVINCES };

/**
 * The subdivisions a project lies in, as ISO 3166-2 codes (`US-OH`) where known, otherwise as
 * folded text. A multi-state value ("OHIO; TEXAS") gives several.
 */
export function subdivisionCodes(countryCode: string | null, subdivision: string | null): string[] {
  if (!subdivision) return [];
  const names = countryCode ? BY_COUNTRY[countryCode] : undefined;
  const codes = new Set<string>();
  for (const part of subdivision.split(/[;,/]/)) {
    const raw = part.trim();
    if (raw === '') continue;
    if (/^[A-Z]{2}-[A-Z0-9]{1,3}$/.test(raw)) {
      codes.add(raw);
      continue;
    }
    const key = fold(raw).replace(/[^a-z ]+/g, ' ').replace(/\s+/g, ' ').trim().replace(/^(state of|province of|provincia de|estado de) /, '');
    const code = names?.[key];
    if (code && countryCode) codes.add(`${countryCode}-${code}`);
    else if (key !== '') codes.add(key);
  }
  return [...codes].sort();
}

/** Great-circle distance in km (haversine, mean Earth radius). */
export function distanceKm(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}
