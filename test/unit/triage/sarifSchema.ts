// Validates SARIF logs against the official SARIF 2.1.0 JSON schema (shipped by @microsoft/jest-sarif).
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';

let validate: ReturnType<Ajv.Ajv['compile']> | undefined;

/** Schema errors of `log` as `path: message` lines; [] when it is valid. */
export function validateSarif(log: unknown): string[] {
  if (validate === undefined) {
    const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;
    // The official schema is draft-04, which ajv 6 knows but does not load by default.
    const ajv = new Ajv({ allErrors: true, schemaId: 'auto' });
    const draft4 = require.resolve('ajv/lib/refs/json-schema-draft-04.json');
    ajv.addMetaSchema(JSON.parse(readFileSync(draft4, 'utf8')) as object);
    validate = ajv.compile(schema);
  }
  if (validate(log) === true) return [];
  return (validate.errors ?? []).map((e) => `${e.dataPath}: ${e.message ?? 'invalid'}`);
}
