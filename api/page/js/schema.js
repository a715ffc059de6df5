// The form's fields, read from the service's own /openapi.json: names, types,
// lists of allowed values, limits, defaults and descriptions all come from
// the API, so a field or a value added there appears here without a change.

function resolve(schema, schemas) {
  if (!schema || !schema.$ref) return schema || {};
  const { $ref, ...rest } = schema;
  return { ...schemas[$ref.split("/").pop()], ...rest };
}

/** What the page needs to know about one property of a JSON schema. */
export function describeField(name, property, schemas, required) {
  let base = property;
  let nullable = false;
  if (property.anyOf) {
    const kinds = property.anyOf.filter((part) => part.type !== "null");
    nullable = kinds.length < property.anyOf.length;
    base = kinds[0] || {};
  }
  base = resolve(base, schemas);
  const own = resolve(property, schemas);
  const items = base.type === "array" ? resolve(base.items, schemas) : null;
  let kind = base.enum ? "enum" : base.type || "string";
  if (items) kind = ["number", "integer"].includes(items.type) ? "numbers" : "strings";
  return {
    name,
    kind,
    required,
    nullable,
    enum: base.enum || null,
    default: own.default ?? property.default,
    description: property.description || own.description || base.description || "",
    unit: property.unit || own.unit || base.unit || (items && items.unit) || null,
    minimum: base.minimum ?? base.exclusiveMinimum ?? null,
    maximum: base.maximum ?? base.exclusiveMaximum ?? null,
    minItems: base.minItems ?? null,
    maxItems: base.maxItems ?? null,
  };
}

/** The fields of a request body schema ("RecommendationRequest"), in the API's order. */
export function bodyFields(openapi, schemaName) {
  const schemas = openapi.components.schemas;
  const schema = schemas[schemaName];
  const required = new Set(schema.required || []);
  return Object.entries(schema.properties).map(
    ([name, property]) => describeField(name, property, schemas, required.has(name)));
}

/** The query parameters of a GET route ("/v1/climate-zone"), as fields. */
export function queryFields(openapi, path) {
  const schemas = openapi.components.schemas;
  return (openapi.paths[path].get.parameters || []).filter((p) => p.in === "query").map(
    (p) => describeField(p.name, { ...p.schema, description: p.description || p.schema.description },
      schemas, Boolean(p.required)));
}

/** Whether the service asks for an API key (the key check is documented only when keys are set). */
export function needsKey(openapi) {
  return Object.keys((openapi.components || {}).securitySchemes || {}).length > 0;
}
