/**
 * The one table's shape. Shared by the app (table creation for DynamoDB Local and tests)
 * and by `stacks/storage.ts` (what SST deploys), so the table the tests use is the table
 * production runs on.
 *
 * Item families (pk / sk):
 * - `COMMUNITY#<id>` / `META`             seat accounting and the waitlist ticket counter
 * - `COMMUNITY#<id>` / `APPLICANT#<user>` one applicant's standing: active request, cooldown, membership, block
 * - `REQ#<id>`       / `REQ`              a join request (status, answers, profile, evaluation, decision)
 * - `REQ#<id>`       / `EFFECT#<name>`    an outbox entry: one side effect of one state change
 * - `REQ#<id>`       / `AUDIT#<at>#<n>`   append-only audit trail
 * - `REQ#<id>`       / `PERSONAL`         a closed request's personal part, deleted by TTL (core/privacy.ts)
 * - `DRAFT#<key>`    / `DRAFT`            partial answers of a paged form (expires by TTL)
 *
 * Index `gsi1` (due work): `PENDING` (pending requests by age), `WAITLIST#<community>` (by ticket),
 * `OUTBOX` (open effects by due time), `DEADLETTER` (effects that gave up), `PRIVACY#MOVE` (closed
 * requests whose personal part is still in the request item), `PRIVACY#EXPIRY` (personal items by
 * expiry).
 * Index `gsi2` (by applicant): `APPLICANT#<platform>#<workspace>#<user>` by creation time.
 */
export const TABLE = {
  defaultName: "gatekeeper",
  partitionKey: "pk",
  sortKey: "sk",
  ttlAttribute: "expiresAt",
  indexes: {
    due: { name: "gsi1", partitionKey: "gsi1pk", sortKey: "gsi1sk" },
    applicant: { name: "gsi2", partitionKey: "gsi2pk", sortKey: "gsi2sk" },
  },
} as const;

/** Every key attribute is a string. */
export const KEY_ATTRIBUTES = [
  TABLE.partitionKey,
  TABLE.sortKey,
  TABLE.indexes.due.partitionKey,
  TABLE.indexes.due.sortKey,
  TABLE.indexes.applicant.partitionKey,
  TABLE.indexes.applicant.sortKey,
] as const;
