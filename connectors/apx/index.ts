/**
 * The APX-platform registries — American Carbon Registry (`acr`), Climate Action Reserve
 * (`car`), ART TREES (`art-trees`) — share one parser with per-registry configuration
 * (registries.md §4). The connectors themselves are in connectors/{acr,car,art-trees}.
 *
 * Formats and platforms (registries.md §0.1):
 * - `readExports` reads the APX report exports (projects, issuances, retirements,
 *   cancellations CSV), the format of the bundled fixtures and of files downloaded from APX,
 *   Windows-1252 or UTF-8, raw APX quoting or RFC-4180.
 * - `fetch`: CAR is still on APX and is fetched through the report export with its session
 *   cookie and CSRF token (apx-fetch.ts); ACR and ART moved to ICE GreenTrace in 2026 and are
 *   fetched from its JSON API (greentrace.ts).
 *
 * Decisions (with the evidence):
 * - Issued quantity. ACR: `Total Credits Issued`, which equals `Credits Issued to Project` +
 *   `Credits Issued to Buffer Pool` on 100/100 fixture rows (§4.2): every unit ACR created,
 *   buffer units included, as ACR itself totals them and as CarbonPlan maps it. GreenTrace
 *   agrees: its issuance of ACR885 on 2025-10-28 is 17,712 units in blocks of 11,068, 3,456 and
 *   3,188 (rb's test fixture `acr-issuances.json`), which are the two APX rows of that issuance,
 *   3,456 + 14,256 `Total Credits Issued`, the 3,188 buffer pool units included. CAR:
 *   `Total Offset Credits Issued` (the only issued quantity; its buffer columns are portions of
 *   it). ART: `Credits Verified`, "credits issued to the program" (§4.4); `Total Emission
 *   Reductions/Removals` adds the buffer deposit (11/11 rows). ART's own announcements count the
 *   verified figure as issued: 33.47 million TREES credits for Guyana 2016–2020 is the sum of
 *   the five vintages' `Credits Verified` (33,470,599; with the buffer it would be 35,517,230),
 *   and 9,085,923 for 2023 is that row's `Credits Verified`. The same fixture rows show ART130's
 *   retired serial blocks of a vintage adding up to its `Credits Verified`. Buffer contributions
 *   are kept as numbers in `attributes.quantities` on every issuance.
 * - Beneficiary. ACR/ART `Retired on Behalf of` verbatim. CAR has no beneficiary column, only
 *   `Retirement Reason Details` (free text, §4.3): it is kept in `retirementNote`, and the
 *   beneficiary is set only where the text labels the name (`Beneficiary: <name>`); the
 *   holder (`Account Holder`, an intermediary as often as not) stays in attributes.
 * - Labels. A `Yes` in a flag column (CCP, CORSIA eligibility by phase, ARB/Ecology/WA ECO
 *   eligibility, verified removal) becomes a label named after the column as the export spells
 *   it, so `CCP Approved` and its later name `ICVCM CCP Eligible` are both seen as published.
 *   A `Corresponding Adjustment` of `Yes` fills `article6Authorization`.
 * - Cancellations that state a conversion (`Convert to ARB offset credits`, `ARB`,
 *   `Canceled for ARB`, `WA ECO`, `Convert to Ecology offset credits`) keep the text as `useCase`
 *   and name the receiving program in `attributes.convertedToProgram` (`arb`, `ecology-wa`);
 *   `CORSIA Compliance` keeps the airline details verbatim in `retirementNote`.
 * - Natural keys. Projects: the project id. Retirements/cancellations: `<kind>:<serial>`, the
 *   same on APX and GreenTrace. APX issuances have no serial and no row id: the key is project
 *   + vintage + issuance date (ACR: to the second) + (ACR) reporting period + quantity; the
 *   quantity is needed because ACR and CAR split one issuance into rows by unit type or label
 *   (ACR885, CAR1568). Unique over the fixtures (test/connectors/apx/keys.test.ts).
 *   GreenTrace issuance blocks carry serials and are keyed by them (`issuance:<serial>`), so
 *   when a database moves a registry from the APX snapshot to GreenTrace, the first complete
 *   GreenTrace run marks the snapshot's issuance rows vanished and its blocks take their place
 *   (test/connectors/apx/sync.test.ts).
 */
export { apxConnector, normalizeApxRecord, type ApxConnectorSettings } from './connector.ts';
export { fetchApxReports } from './apx-fetch.ts';
export { readApxExports, readApxCsv, requiredColumns, EXPORT_FILES } from './exports.ts';
export { fetchGreenTrace, normalizeGreenTrace, greenTraceNaturalKey, GREENTRACE_SOURCES, GREENTRACE_MAX_PAGE } from './greentrace.ts';
export { normalizeApx, apxNaturalKey } from './normalize.ts';
export { ACR, ART, CAR, APX_SOURCES, type ApxRegistry, type ApxSource } from './registries.ts';
export { parseApxSerial, blockQuantity } from './serial.ts';
