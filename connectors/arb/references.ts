/**
 * Offset project registry (OPR) ids as the ARB issuance table writes them, turned into
 * cross-program references (registries.md §10.2, §11):
 * - `CAR1234` → Climate Action Reserve `CAR1234`;
 * - `ACR934`, `ACR0934` → ACR `ACR934` (ACR's APX ids carry no zero padding, GreenTrace's do:
 *   the hub keys ACR projects without it, §11 "identifier normalisation traps");
 * - a bare number (`559`, an early-action Verra project) → Verra `559`, the id the Verra
 *   connector uses (CarbonPlan writes `VCS559`; `VCS559` is read the same way);
 * - `VCSOPR2` (a Verra compliance project) → Verra `VCSOPR2`.
 */
import type { CrossReference } from '../contract.ts';

/** How each reference was found on the row. */
export const RELATIONS = {
  opr: 'opr-project-id',
  comment: 'opr-project-id-comment',
  documentation: 'project-documentation-url',
} as const;

/** Digits without zero padding (`0934` → `934`). */
function unpadded(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}

/** One OPR id → the project it names, or null when the text is not an OPR id. */
export function parseOprId(text: string): Pick<CrossReference, 'programId' | 'registryProjectId'> | null {
  const value = text.trim();
  let match = /^CAR[\s#-]*(\d+)$/i.exec(value);
  if (match) return { programId: 'car', registryProjectId: `CAR${unpadded(match[1]!)}` };
  match = /^ACR[\s#-]*(\d+)$/i.exec(value);
  if (match) return { programId: 'acr', registryProjectId: `ACR${unpadded(match[1]!)}` };
  match = /^VCSOPR[\s#-]*(\d+)$/i.exec(value);
  if (match) return { programId: 'verra', registryProjectId: `VCSOPR${unpadded(match[1]!)}` };
  match = /^(?:VCS[\s#-]*)?(\d+)(?:\.0+)?$/i.exec(value);
  if (match) return { programId: 'verra', registryProjectId: unpadded(match[1]!) };
  return null;
}

/**
 * The `OPR Project ID` cell: usually one id; several joined by `,`, `;`, `/` or `and` are
 * each read. Parts that are not OPR ids are returned in `unrecognized`, verbatim.
 */
export function oprReferences(cell: string | null): { references: CrossReference[]; unrecognized: string[] } {
  const references: CrossReference[] = [];
  const unrecognized: string[] = [];
  if (cell === null) return { references, unrecognized };
  for (const part of cell.split(/[,;/&]|\band\b/i)) {
    if (part.trim() === '') continue;
    const parsed = parseOprId(part);
    if (parsed) references.push({ ...parsed, relation: RELATIONS.opr });
    else unrecognized.push(part.trim());
  }
  return { references, unrecognized };
}

/**
 * OPR ids named in the `Comment` prose, e.g. "For the second verification … the OPR ID# is
 * ACR258" (registries.md §10.3): `CAR…`, `ACR…`, `VCSOPR…`, `VCS…` tokens, and a bare number
 * only right after "OPR ID" (`OPR ID# is 559`). Tokens are upper case, as ARB writes them:
 * the lower-case `acr2` of an `acr2.apx.com` link is a host name, not ACR project 2. `CARB…`
 * ids are ARB's own and not read here.
 */
export function commentReferences(comment: string | null): CrossReference[] {
  if (comment === null) return [];
  const references: CrossReference[] = [];
  for (const match of comment.matchAll(/\b(VCSOPR|CAR|ACR|VCS)\s?#?\s?(\d+)\b/g)) {
    const parsed = parseOprId(`${match[1]}${match[2]}`);
    if (parsed) references.push({ ...parsed, relation: RELATIONS.comment });
  }
  for (const match of comment.matchAll(/\bOPR\s+(?:Project\s+)?ID\s*#?\s*(?:is\s+|:\s*)?(\d+)\b/gi)) {
    references.push({ programId: 'verra', registryProjectId: unpadded(match[1]!), relation: RELATIONS.comment });
  }
  return references;
}

/**
 * The registry project in a `Project Documentation` link (registries.md §10.3):
 * `acr2.apx.com/…prjView.asp?id1=1007` → ACR1007, `thereserve2.apx.com/…?id1=993` → CAR993,
 * `vcsprojectdatabase.org/…/559` or `registry.verra.org/…/559` → Verra 559.
 */
export function documentationReference(url: string | null): CrossReference | null {
  if (url === null) return null;
  let match = /\bacr\d*\.apx\.com\/.*[?&]id1=(\d+)/i.exec(url);
  if (match) return { programId: 'acr', registryProjectId: `ACR${unpadded(match[1]!)}`, relation: RELATIONS.documentation };
  match = /\bthereserve\d*\.apx\.com\/.*[?&]id1=(\d+)/i.exec(url);
  if (match) return { programId: 'car', registryProjectId: `CAR${unpadded(match[1]!)}`, relation: RELATIONS.documentation };
  match = /\b(?:vcsprojectdatabase\.org|registry\.verra\.org)\/.*\/(\d+)\/?(?:[?#].*)?$/i.exec(url);
  if (match) return { programId: 'verra', registryProjectId: unpadded(match[1]!), relation: RELATIONS.documentation };
  return null;
}

/**
 * The row's references: the OPR id first, then ids from the comment and from the
 * documentation link that name a project not already referenced.
 */
export function rowReferences(opr: CrossReference[], comment: CrossReference[], documentation: CrossReference | null): CrossReference[] {
  const seen = new Set<string>();
  const out: CrossReference[] = [];
  for (const reference of [...opr, ...comment, ...(documentation ? [documentation] : [])]) {
    const key = `${reference.programId}\u0000${reference.registryProjectId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(reference);
  }
  return out;
}

/** CARB issuance ids named in the comment (`CAFR5076-A`, `CAFR5224-A-B`): buffer retirements name the reversal they covered. */
export function commentCarbIds(comment: string | null): string[] {
  if (comment === null) return [];
  return [...new Set([...comment.matchAll(/\bCA[A-Z]{2}\d{4}(?:-[A-Z]\d?)*\b/g)].map((match) => match[0]))];
}
